"""A list file's container: what the registry reads, and what a file that is not a list is."""

ASK_FOR_THE_LIST = (
    "ask for the Excel or Word attachment, or type the list",
    "请索取 Excel 或 Word 附件，或手工录入名单",
)

TEXTS = {
    "import.scan": (
        f"This is a scan: it has no text to read — {ASK_FOR_THE_LIST[0]}.",
        f"这是扫描件，没有可读取的文字：{ASK_FOR_THE_LIST[1]}。",
    ),
    "import.image": (
        f"The file is a {{format}} image, a scan with no text to read: {ASK_FOR_THE_LIST[0]}.",
        f"文件是 {{format}} 图片（扫描件），没有可读取的文字：{ASK_FOR_THE_LIST[1]}。",
    ),
    "import.archive": (
        "The file is a {format} archive: unpack it and load the list inside.",
        "文件是 {format} 压缩包：请解压后导入其中的名单文件。",
    ),
    "import.encrypted": (
        "The workbook is protected by a password: open it, remove the password and save it "
        "again as .xlsx.",
        "工作簿设有打开密码：请打开后取消密码，再另存为 .xlsx 文件。",
    ),
    "import.format_other": (
        "The file is in {format} format, which the registry does not read: open it and save "
        "it as {save_as}.",
        "文件为 {format} 格式，系统无法读取：请打开后另存为 {save_as} 文件。",
    ),
    "import.xls_unreadable": (
        "The file is not a readable Excel 97–2003 workbook ({reason}): open it in Excel and "
        "save it as .xlsx.",
        "文件不是可读取的 Excel 97–2003 工作簿（{reason}）：请在 Excel 中打开后另存为 .xlsx。",
    ),
    "import.xls_too_large": (
        "The worksheet {sheet} holds {cells} cells, more than the {max} of any list: this is "
        "not a list.",
        "工作表 {sheet} 有 {cells} 个单元格，超过名单的上限 {max}：不是名单文件。",
    ),
    "import.docx_unreadable": (
        "The file is not a readable Word document ({reason}): open it in Word and save it "
        "again as .docx.",
        "文件不是可读取的 Word 文档（{reason}）：请在 Word 中打开后重新另存为 .docx。",
    ),
    "import.document_inflates": (
        "The document unpacks to {size} bytes, more than {factor} times the upload limit: "
        "this is not a list.",
        "文档解压后达 {size} 字节，超过上传上限的 {factor} 倍：不是名单文件。",
    ),
    "import.pdf_unreadable": (
        "The file is not a readable PDF ({reason}): ask for the Excel or Word attachment.",
        "文件不是可读取的 PDF（{reason}）：请索取 Excel 或 Word 附件。",
    ),
    "import.pdf_pages": (
        "The PDF has {pages} pages, more than the {max} a list may have: split it, or ask for "
        "the Excel attachment.",
        "PDF 共 {pages} 页，超过名单的上限 {max} 页：请拆分，或索取 Excel 附件。",
    ),
    "import.pdf_slow": (
        "Reading the PDF's tables took too long (stopped at page {page}): ask for the Excel or "
        "Word attachment.",
        "读取 PDF 中的表格耗时过长（停在第 {page} 页）：请索取 Excel 或 Word 附件。",
    ),
    "import.no_tables": (
        "The {format} file holds no table: a list is read from a table of firms.",
        "该 {format} 文件中没有表格：名单须以企业表格的形式给出。",
    ),
}

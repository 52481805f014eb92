"""Loading a published list: the file, its facts, its rows, their firms."""

TEXTS = {
    # The file as a whole.
    "import.file_too_large": (
        "The file is larger than {limit} bytes: split the list and load it in parts.",
        "文件超过 {limit} 字节：请将名单分成几部分分别导入。",
    ),
    "import.encoding_line": (
        "line {line} is not valid {encoding} text (byte {byte} of the file): save the list "
        "again as UTF-8 or GBK",
        "第 {line} 行不是有效的 {encoding} 文本（文件第 {byte} 字节）：请将名单重新另存为 UTF-8 "
        "或 GBK 编码。",
    ),
    "import.encoding": (
        "The file is not valid {encoding} text: save the list again as UTF-8 or GBK.",
        "文件不是有效的 {encoding} 文本：请将名单重新另存为 UTF-8 或 GBK 编码。",
    ),
    "import.csv_unreadable": (
        "The file is not a readable CSV file near line {line} ({reason}).",
        "文件在第 {line} 行附近无法按 CSV 读取（{reason}）。",
    ),
    "import.xlsx_unreadable": (
        "The file is not a readable XLSX workbook ({reason}): open it in Excel and save it again.",
        "文件不是可读取的 XLSX 工作簿（{reason}）：请在 Excel 中打开后重新保存。",
    ),
    "import.xlsx_inflates": (
        "The workbook's part {part} unpacks to {size} bytes, more than {factor} times the upload "
        "limit: this is not a list.",
        "工作簿的 {part} 部分解压后达 {size} 字节，超过上传上限的 {factor} 倍：不是名单文件。",
    ),
    "import.worksheet_unreadable": (
        "The worksheet cannot be read ({reason}).",
        "无法读取工作表（{reason}）。",
    ),
    "import.too_many_rows": (
        "The list has more than {max} rows, the limit of one import: split it.",
        "名单超过 {max} 行（单次导入的上限）：请分成几部分导入。",
    ),
    "import.sheet_empty": ("The sheet is empty.", "工作表为空。"),
    "import.sheet_not_a_list": ("Not a list: {reason}", "不是名单：{reason}"),
    "import.sheet_failed": (
        "Sheet “{sheet}” cannot be loaded, so nothing was: {reason}",
        "工作表“{sheet}”无法导入，因此整个文件均未导入：{reason}",
    ),
    "import.sheet_unknown": (
        "The file has no sheet “{sheet}” (its sheets: {sheets}).",
        "文件中没有工作表“{sheet}”（现有工作表：{sheets}）。",
    ),
    "import.no_header": (
        "No header row naming the firms (企业名称 or 统一社会信用代码) in the first {rows} rows: "
        "check that this is the list.",
        "前 {rows} 行中没有列出企业的表头（企业名称或统一社会信用代码）：请确认文件是否为名单。",
    ),
    "import.rows_required": (
        "Give the list's rows (rows: a list).",
        "请提供名单的行（rows：列表）。",
    ),
    "import.title_text": ("The title must be text.", "标题应为文字。"),
    "import.resolve_object": (
        "Give the resolved names as an object of names and unified social credit codes.",
        "名称匹配应为“企业名称：统一社会信用代码”的对象。",
    ),
    "import.resolve_not_json": (
        "The resolved names are not JSON text.",
        "名称匹配不是有效的 JSON 文本。",
    ),
    "import.file_missing": ("Choose the list's file.", "请选择名单文件。"),
    # The whole list refused.
    "import.rows_rejected": (
        "{count} row(s) have mistakes; nothing was written. Correct them and load the list again.",
        "有 {count} 行有误，未写入任何数据。请改正后重新导入。",
    ),
    "import.unresolved": (
        "{count} row(s) name a firm that matches no single registered firm; nothing was "
        "written. Choose the firm for each name, or skip the unmatched rows.",
        "有 {count} 行的企业名称无法对应唯一的已登记企业，未写入任何数据。请为每个名称选定企业，"
        "或勾选“跳过未匹配的行”。",
    ),
    "import.outside_own_districts": (
        "You load only rows of your own counties; rows {rows} are elsewhere. Tick 'only my "
        "counties' rows' to load yours, or leave the others to their counties.",
        "您只能导入本辖区的行；第 {rows} 行属于其他县（市、区）。请勾选“只导入本辖区的行”，"
        "其他行由所属县（市、区）导入。",
    ),
    "import.facts_missing": (
        "The list does not state its {fields}; nothing was written. Fill it in and load the "
        "list again.",
        "名单未注明“{fields}”，未写入任何数据。请填写后重新导入。",
    ),
    "import.fact_missing": (
        "The list does not state its {field}: fill in the {field} (for the whole list).",
        "名单未注明“{field}”：请填写“{field}”（整份名单的{field}）。",
    ),
    "import.unknown_action": (
        "Choose the list's kind: certify, revoke, publicize (a 公示), review (a city's 拟推荐) "
        "or apply (a county's 申报/推荐 sheet).",
        "请选择名单类型：certify（认定）、revoke（撤销）、publicize（拟认定公示）、"
        "review（市级拟推荐）或 apply（县级申报/推荐表）。",
    ),
    "import.stage_needs_apply": (
        "A stage is given only with a county's sheet (action=apply); this list is {action}.",
        "只有县级申报/推荐表（action=apply）才能指定阶段；该名单类型为 {action}。",
    ),
    "import.title_held_already": (
        "{credit_code} already holds the {tier} title of {year}: its application is unchanged.",
        "{credit_code} 已获 {year} 年度{tier}认定：不再变更其申报。",
    ),
    "import.title_differs": (
        "the title says {field} {stated}; the parameter's {given} is used",
        "标题中的“{field}”为 {stated}；采用您填写的 {given}。",
    ),
    # A row.
    "row.not_object": ("A row must be an object of columns.", "每一行应为由各列组成的对象。"),
    "row.cell_kind": ("Give text, a number or a date.", "应为文字、数字或日期。"),
    "row.firm_needed": (
        "Give the firm's name or unified social credit code.",
        "请填写企业名称或统一社会信用代码。",
    ),
    "row.missing": ("Fill in the {field}.", "请填写“{field}”。"),
    "cell.too_long": ("longer than {max} characters", "超过 {max} 个字符。"),
    "cell.control_characters": (
        "must not contain control characters",
        "请删除其中的控制字符。",
    ),
    "cell.number_not_text": (
        "the cell holds the number {value}, not text: a spreadsheet keeps 15 digits of a "
        "number, so the code's last digits are lost; format the column as text and enter the "
        "codes again",
        "单元格中是数字 {value} 而非文本：表格只保留数字的 15 位，代码末尾几位已丢失。请将该列设为"
        "“文本”格式后重新录入代码。",
    ),
    "cell.excel_number": (
        "'{value}' is a credit code Excel turned into a number (all-digit codes of firms "
        "registered before 2015 are): its digits are lost; format the column as text (文本) in "
        "Excel and enter the codes again",
        "“{value}”是被 Excel 转成数字的代码，部分数字已丢失。请在 Excel 中将该列设为“文本”"
        "格式后重新录入代码。",
    ),
    "cell.not_date": (
        "not a date: '{value}' (e.g. 2023-06-30 or 2023年6月30日)",
        "“{value}”不是日期（如 2023-06-30 或 2023年6月30日）。",
    ),
    "cell.span_reversed": (
        "the span '{value}' ends before it starts",
        "期间“{value}”的结束早于开始。",
    ),
    "cell.not_year": ("not a year: '{value}'", "“{value}”不是年度。"),
    "cell.unknown_tier": (
        "unknown tier '{value}': a key, a label or a published wording",
        "“{value}”不是系统认识的层级（代号、名称或名单中的写法）。",
    ),
    "cell.not_yes_no": ("not yes or no: '{value}'", "“{value}”不是“是”或“否”。"),
    "cell.unknown_region": (
        "unknown region '{value}': neither in the city nor a known region",
        "“{value}”既不在本市，也不是已知的地区。",
    ),
    "cell.unknown_district": (
        "unknown district '{value}' (a district of the city is needed)",
        "“{value}”不是本市的县（市、区）。",
    ),
    "row.not_registered_no_district": (
        "{credit_code} is not registered, and the list places it in {where}, not in a county: "
        "give its county to register it.",
        "{credit_code} 未登记，且名单将其列在{where}而非某个县（市、区）：请填写其县（市、区）"
        "以便登记。",
    ),
    "row.not_registered_no_name": (
        "{credit_code} is not registered: give its name to register it.",
        "{credit_code} 未登记：请填写企业名称以便登记。",
    ),
    "row.nothing_to_revoke": (
        "{credit_code} is not registered: it holds no title to revoke.",
        "{credit_code} 未登记，没有可撤销的称号。",
    ),
    "row.title_not_held": (
        "{credit_code} holds no {tier} title granted by {revoked_on} to revoke.",
        "{credit_code} 在 {revoked_on} 前没有可撤销的{tier}称号。",
    ),
    "row.title_of_year_not_held": (
        "{credit_code} holds no {tier} title of {year} granted by {revoked_on} to revoke.",
        "{credit_code} 在 {revoked_on} 前没有可撤销的 {year} 年度{tier}称号。",
    ),
    "import.no_region": ("no region", "未注明地区"),
    "import.the_city": ("the city", "本市"),
    # Rows skipped, unresolved, and warnings.
    "import.outside_city": ("outside the city: {place}", "不在本市：{place}。"),
    "import.not_loaded_district": (
        "in {district}, not a district loaded",
        "属于{district}，不在本次导入的县（市、区）内。",
    ),
    "import.wider_than_city": (
        "not a registered firm, and {place} is wider than the city",
        "不是已登记企业，且“{place}”超出本市范围。",
    ),
    "import.same_name_firms": (
        "{count} registered firms in {where} have this name",
        "{where}有 {count} 家已登记企业同名：请选定其中一家。",
    ),
    "import.no_firm_named": (
        "no registered firm in {where} has this name",
        "{where}没有该名称的已登记企业：请选定企业，或填写其统一社会信用代码。",
    ),
    "import.recorded_as_published": (
        "recorded as the list publishes it: {reason}",
        "已按名单公布的内容登记：{reason}",
    ),
    "import.resolution_elsewhere": (
        "the resolution places {name} in {resolved}; the list's district {listed} is used",
        "名称匹配将 {name} 列在 {resolved}；采用名单中的县（市、区）{listed}。",
    ),
    "import.resolution_unused": (
        "the resolution for '{name}' matches no names-only row",
        "“{name}”的名称匹配没有对应任何只有名称的行。",
    ),
    # A name's resolution.
    "resolve.credit_code": ("{reason}", "{reason}"),
    "resolve.unknown_district": (
        "'{district}' is not a county of the city.",
        "“{district}”不是本市的县（市、区）。",
    ),
    "resolve.shape": (
        "Give the credit code (and, if you wish, the county) only.",
        "只填写统一社会信用代码（可另填县（市、区））。",
    ),
    "resolve.text": (
        "The credit code and the county are text.",
        "统一社会信用代码和县（市、区）应为文字。",
    ),
    "resolve.incomplete": (
        "Give a name and a unified social credit code.",
        "请填写企业名称和统一社会信用代码。",
    ),
}

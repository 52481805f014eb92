"""A field's value refused: the schemas' checks (marshmallow's own messages among them, see
registry.messages.fields) and the credit code's. `{field}` is shown by its label."""

TEXTS = {
    "field.problem": ("{field}: {message}", "{field}：{message}"),
    "field.required": ("Fill in this field.", "请填写此项。"),
    "field.null": ("Fill in this field.", "此项不能为空。"),
    "field.invalid": ("This value is not valid.", "此项的值无效。"),
    "field.unknown": (
        "The registry does not know this field.",
        "系统不认识此项。",
    ),
    "field.repeated": ("Given more than once; this takes one value.", "此项只能填写一次。"),
    "field.invalid_type": ("This is not the kind of value expected.", "此项的值类型不对。"),
    "field.not_list": ("Give a list.", "此项应为列表。"),
    "field.not_string": ("Give text.", "此项应为文字。"),
    "field.not_number": ("Give a number.", "此项应为数字。"),
    "field.number_too_large": ("The number is too large.", "数字过大。"),
    "field.not_integer": ("Give a whole number.", "此项应为整数。"),
    "field.not_finite": ("Give an ordinary number.", "此项应为普通数字。"),
    "field.not_boolean": ("Give yes or no.", "此项应为“是”或“否”。"),
    "field.not_date": ("Give a date, e.g. 2023-06-30.", "此项应为日期，如 2023-06-30。"),
    "field.not_datetime": ("Give a date and time.", "此项应为日期和时间。"),
    "field.not_mapping": ("Give an object of names and values.", "此项应为“名称：值”的对象。"),
    "field.length_min": ("Give at least {min} characters.", "至少填写 {min} 个字符。"),
    "field.length_max": ("Give at most {max} characters.", "最多填写 {max} 个字符。"),
    "field.length_between": (
        "Give from {min} to {max} characters.",
        "请填写 {min} 至 {max} 个字符。",
    ),
    "field.length_equal": ("Give exactly {equal} characters.", "须为 {equal} 个字符。"),
    "field.range_min": ("Give {min} or more.", "须不小于 {min}。"),
    "field.range_max": ("Give {max} or less.", "须不大于 {max}。"),
    "field.range_between": ("Give a value from {min} to {max}.", "须在 {min} 至 {max} 之间。"),
    "field.one_of": ("Choose one of: {choices}.", "请从以下选项中选择：{choices}。"),
    "field.pattern": ("This value is not in the expected form.", "此项格式不对。"),
    "field.equal": ("Give {other}.", "此项应为 {other}。"),
    "field.invisible_character": (
        "Remove the invisible or control character U+{codepoint} ({name}) at position {position}.",
        "请删除第 {position} 个位置的不可见字符或控制字符 U+{codepoint}（{name}）。",
    ),
    "field.district_code": (
        "Give a county's 6-digit code, e.g. 410702.",
        "请填写县（市、区）的 6 位代码，如 410702。",
    ),
    "field.key": ("Give a key such as innovative_sme.", "请填写代号，如 innovative_sme。"),
    "field.login_form": (
        "Use 2 to 64 letters, digits, '.', '_' or '-', beginning with a letter or digit.",
        "请使用 2 至 64 个字母、数字、“.”“_”或“-”，以字母或数字开头。",
    ),
    "field.credit_code_form": (
        "Give an 18-character unified social credit code.",
        "请填写 18 位统一社会信用代码。",
    ),
    "field.date_text": (
        "Give a date: {example} or {example_zh}.",
        "请填写日期：{example} 或 {example_zh}。",
    ),
    "field.figure_value": (
        "Give a value of at least 0 and below 10^13.",
        "请填写不小于 0 且小于 10^13 的数值。",
    ),
    "field.in_future": (
        "The {field} must not be in the future.",
        "“{field}”不能晚于今天。",
    ),
    "field.empty": ("Fill in the {field}.", "请填写“{field}”。"),
    # Anything else a value is refused for (a rare case no message names): the reason as found.
    "value.invalid": ("{reason}", "{reason}"),
    # The unified social credit code (GB 32100-2015).
    "credit_code.length": (
        "A unified social credit code has {length} characters, not {found}: check it.",
        "统一社会信用代码应为 {length} 位，而非 {found} 位：请核对。",
    ),
    "credit_code.character": (
        "The character '{character}' at position {position} is not used in a unified social "
        "credit code (digits and capital letters except I, O, S, V, Z): check it.",
        "统一社会信用代码第 {position} 位的“{character}”不是有效字符（数字及除 I、O、S、V、Z "
        "外的大写字母）：请核对。",
    ),
    "credit_code.check_character": (
        "The last character (the check character) of this unified social credit code should be "
        "'{expected}', not '{found}': the code is mistyped somewhere; check it.",
        "该统一社会信用代码的校验位（最后一位）应为“{expected}”而非“{found}”：代码有输入错误，"
        "请核对。",
    ),
}

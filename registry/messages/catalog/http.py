"""HTTP, credentials and the rate limits: problems that name no field."""

TEXTS = {
    # By status, when nothing more precise is known.
    "http.bad_request": ("The request cannot be read.", "请求无法读取。"),
    "http.unauthorized": ("Sign in first.", "请先登录。"),
    "http.forbidden": ("This is not yours to do.", "无权进行此操作。"),
    "http.not_found": (
        "Nothing is found at this address.",
        "找不到该地址对应的内容。",
    ),
    "http.method_not_allowed": (
        "This address does not take {method} requests.",
        "该地址不接受{method}请求。",
    ),
    "http.not_acceptable": (
        "The answer cannot be given in the form asked for.",
        "无法按所要求的格式给出结果。",
    ),
    "http.conflict": ("The request conflicts with what is stored.", "请求与已有记录冲突。"),
    "http.precondition_failed": (
        "Someone else changed this since you opened it: open it again and redo your change.",
        "您打开后他人已修改此记录：请重新打开后再修改。",
    ),
    "http.payload_too_large": (
        "The upload is too large ({limit} bytes at most): split the list and load it in parts.",
        "上传内容过大（最多 {limit} 字节）：请将名单分成几部分分别导入。",
    ),
    "http.unsupported_media_type": (
        "The registry does not read this kind of content ({content_type}).",
        "系统无法读取此类内容（{content_type}）。",
    ),
    "http.unprocessable": ("The request has mistakes.", "请求内容有误。"),
    "http.locked": ("This is locked for now.", "暂时锁定。"),
    "http.precondition_required": (
        "Open the record before changing it (the change must say which version it changes: "
        "If-Match).",
        "请先打开记录再修改（修改须注明所改的版本：If-Match）。",
    ),
    "http.too_many_requests": (
        "Too many requests: wait {retry_after} seconds and try again.",
        "请求过于频繁：请等待 {retry_after} 秒后重试。",
    ),
    "http.internal": (
        "The server met an unexpected error; it has been logged. Try again, and tell the "
        "administrator if it happens again.",
        "服务器发生意外错误，已记录。请重试；如再次出现，请告知管理员。",
    ),
    "http.unavailable": (
        "The registry is not available just now: try again shortly.",
        "系统暂时无法使用：请稍后重试。",
    ),
    "http.error": ("The request failed ({status}).", "请求失败（{status}）。"),
    # nginx's own answers (deploy/serve.py), in English there.
    "http.header_too_large": (
        "A request header or cookie is too long.",
        "请求头或 Cookie 过长。",
    ),
    "http.uri_too_long": ("The address is too long.", "地址过长。"),
    "http.not_implemented": (
        "The server does not read this kind of request.",
        "服务器无法读取此类请求。",
    ),
    "http.gateway_timeout": (
        "The registry did not answer in time; the request may or may not have been carried out.",
        "系统未及时响应；请求可能已执行，也可能未执行。",
    ),
    "http.version_not_supported": (
        "The server speaks HTTP/1.0 and HTTP/1.1 only.",
        "服务器只支持 HTTP/1.0 和 HTTP/1.1。",
    ),
    # The body and the database.
    "body.invalid_json": ("The request body is not valid JSON.", "请求内容不是有效的 JSON。"),
    "body.too_deep": (
        "The request body is nested too deeply to be read.",
        "请求内容嵌套层数过多，无法读取。",
    ),
    "body.unreadable_file": (
        "The uploaded file cannot be read ({reason}): save it again as XLSX or CSV.",
        "无法读取上传的文件（{reason}）：请重新另存为 XLSX 或 CSV。",
    ),
    "conflict.concurrent": (
        "Someone else changed the same record at the same moment: open it again and retry.",
        "他人同时修改了同一记录：请重新打开后重试。",
    ),
    "database.unavailable": (
        "The database is not available: try again shortly.",
        "数据库暂时无法使用：请稍后重试。",
    ),
    # Credentials.
    "auth.credentials_required": (
        "Sign in, or give a token.",
        "请先登录，或提供令牌。",
    ),
    "auth.session_ended": ("Your session has ended: sign in again.", "登录已失效：请重新登录。"),
    "auth.invalid_token": (
        "The token is not valid (mistyped, revoked or expired): ask for a new one.",
        "令牌无效（输入有误、已撤销或已过期）：请申请新的令牌。",
    ),
    "auth.role_refused": (
        "This is not open to {role} ({method} {path}).",
        "{role}无权进行此操作（{method} {path}）。",
    ),
    "auth.own_account_only": (
        "Only a signed-in person does this, for their own account.",
        "只有已登录的本人可以对自己的账号进行此操作。",
    ),
    "auth.read_only": (
        "Reading only: {role} changes nothing.",
        "{role}只能查看，不能修改。",
    ),
    "auth.csrf_missing": (
        "Reload the page and try again (the change did not carry the page's security token).",
        "请刷新页面后重试（修改未附带页面的安全令牌）。",
    ),
    "auth.origin_refused": (
        "Changes are made from the registry's own pages only.",
        "只能在本系统自己的页面上进行修改。",
    ),
    "auth.sign_in_failed": ("Wrong login or password.", "登录名或密码错误。"),
    "auth.sign_in_locked": (
        "The account is locked after failed sign-ins until {until} UTC: try again then.",
        "该账号因多次登录失败已锁定至 {until} UTC，届时再试。",
    ),
    "auth.one_time_password": (
        "A one-time password is only for choosing a new password: choose one first.",
        "一次性密码只能用于设置新密码：请先设置新密码。",
    ),
    "auth.password_too_old": (
        "The password is older than {days} days: choose a new one first.",
        "密码已超过 {days} 天，请先修改密码。",
    ),
    # Roles, as the messages above name them.
    "role.admin": ("the administrator", "管理员"),
    "role.bureau": ("a county bureau", "县（市、区）工信部门"),
    "role.viewer": ("a viewer", "查看者"),
    "role.dashboard": ("a dashboard's token", "大屏令牌"),
    "role.enterprise": ("an enterprise", "企业"),
    "role.auditor": ("an auditor", "审计员"),
    "role.metrics": ("a metrics scraper's token", "监控采集令牌"),
    # Scope: how far the caller reaches.
    "scope.enterprise_reads_own": (
        "An enterprise's token reads only its own enterprise.",
        "企业令牌只能查看本企业。",
    ),
    "scope.not_your_district": (
        "You do not make changes in {district}: only in your own counties.",
        "您不能修改{district}的记录，只能修改本辖区的记录。",
    ),
    "scope.not_city_wide": (
        "Only the city's administrator makes city-wide changes.",
        "只有市级管理员可以进行全市范围的修改。",
    ),
    "scope.issues_no_token": (
        "You do not issue this token: a county bureau issues enterprise tokens for the firms "
        "of its own counties.",
        "您无权发放此令牌：县（市、区）工信部门只为本辖区的企业发放企业令牌。",
    ),
}

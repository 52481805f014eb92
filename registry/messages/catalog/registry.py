"""The registry's rules: firms, certifications and the ladder, tokens, people, plans."""

TEXTS = {
    "enterprise.not_found": (
        "No enterprise with the unified social credit code {credit_code} is registered.",
        "未登记统一社会信用代码为 {credit_code} 的企业。",
    ),
    "enterprise.exists": (
        "The enterprise {credit_code} is already registered: open it instead.",
        "统一社会信用代码为 {credit_code} 的企业已登记：请直接打开该企业。",
    ),
    "enterprise.name_of_another": (
        "“{name}” is the name of {owner}: it cannot also match this firm.",
        "“{name}”是 {owner} 的名称：不能再用于匹配本企业。",
    ),
    "enterprise.stale": (
        "Someone else changed the enterprise {credit_code} since you opened it: open it again "
        "and redo your change.",
        "您打开后他人已修改企业 {credit_code}：请重新打开后再修改。",
    ),
    "application.not_found": (
        "No application {id} is registered.",
        "未找到编号为 {id} 的申报记录。",
    ),
    "application.unknown_stage": (
        "“{stage}” is not a stage: use candidate, applied, recommended, reviewed, publicized, "
        "certified, rejected or withdrawn.",
        "“{stage}”不是申报阶段：可用 candidate（培育库）、applied（已申报）、"
        "recommended（县级推荐）、reviewed（市级审核）、publicized（公示）、certified（已认定）、rejected（未通过）、"
        "withdrawn（已撤回）。",
    ),
    "application.open_stage": (
        "An application starts at an open stage (candidate to publicized), not “{stage}”.",
        "申报只能从未结束的阶段（培育库至公示）开始，不能是“{stage}”。",
    ),
    "application.reason_blank": (
        "Say why the application is rejected: the reason must not be blank.",
        "请填写未通过的原因：不能为空。",
    ),
    "application.closed": (
        "The application is closed ({stage}): it moves no further.",
        "该申报已结束（{stage}），不能再变更阶段。",
    ),
    "application.backward": (
        "The application is at {stage}: it moves forward only, not to {target}.",
        "该申报处于“{stage}”阶段，只能向后推进，不能退回“{target}”。",
    ),
    "application.open_already": (
        "{credit_code} already has an open application for the {tier} title of {year}.",
        "{credit_code} 已有 {year} 年度{tier}的在办申报。",
    ),
    "application.title_held": (
        "{credit_code} already holds the {tier} title of {year}: there is nothing to apply for.",
        "{credit_code} 已获 {year} 年度{tier}认定，无需再申报。",
    ),
    "application.in_batch": (
        "Application {id}: {message} Nothing was moved.",
        "申报记录 {id}：{message}本批均未变更。",
    ),
    "application.prerequisite_missing": (
        "The {tier} title needs an active {prerequisite} title; the firm holds none today: "
        "it is recorded, check before recommending it.",
        "申报{tier}须持有有效的{prerequisite}认定，该企业目前没有：申报已记录，推荐前请核实。",
    ),
    "application.revocation_bar": (
        "A {revoked_tier} title of the firm was revoked on {revoked_on}: it may not be "
        "certified in this ladder before {bar_ends}.",
        "该企业的{revoked_tier}称号已于 {revoked_on} 被撤销：{bar_ends} 前不得再获本梯度认定。",
    ),
    "application.phone": (
        "A telephone number is digits, with + - ( ) and spaces at most.",
        "联系电话只能包含数字及 + - ( ) 和空格。",
    ),
    "certification.not_found": (
        "No certification {id} is registered.",
        "未找到编号为 {id} 的认定记录。",
    ),
    "certification.year_bounds": (
        "The announcement date gives the year {year}: it must be from {first} to {last}.",
        "公告日期所在年度为 {year}，应在 {first} 至 {last} 年之间。",
    ),
    "certification.year_window": (
        "The year must be at most two years before the announcement's year ({year}), and not "
        "after it.",
        "年度最多比公告日期所在年度（{year}）早两年，且不能晚于该年度。",
    ),
    "certification.valid_until_before": (
        "The date it is valid until must not be before the announcement date.",
        "“有效期至”不能早于公告日期。",
    ),
    "certification.unknown_tier": (
        "There is no tier '{tier}': choose one of the catalog's tiers.",
        "没有“{tier}”这一层级：请从目录中的层级中选择。",
    ),
    "certification.duplicate": (
        "{credit_code} already holds the {tier} title of {year}.",
        "{credit_code} 已有 {year} 年度的{tier}认定。",
    ),
    "certification.already_revoked": (
        "This certification ({id}) is already revoked.",
        "该认定（{id}）已被撤销。",
    ),
    "certification.reason_blank": (
        "Say why the title is revoked: the reason must not be blank.",
        "请填写撤销原因：不能为空。",
    ),
    "certification.revoked_before_certified": (
        "The revocation date must not be before the title's announcement date.",
        "撤销日期不能早于该称号的公告日期。",
    ),
    "certification.revocation_bar": (
        "The {revoked_tier} title was revoked on {revoked_on}: the firm may not be certified "
        "in this ladder again before {bar_ends}.",
        "该企业的{revoked_tier}称号已于 {revoked_on} 被撤销：{bar_ends} 前不得再获本梯度认定。",
    ),
    "certification.prerequisite_missing": (
        "The {tier} title needs an active {prerequisite} title on {on}; the firm holds none.",
        "申报{tier}须在 {on} 持有有效的{prerequisite}认定，该企业没有。",
    ),
    "certification.higher_tier_held": (
        "The firm already holds the {held} title, above {tier}: a firm holding a higher tier "
        "is not certified again for a lower one.",
        "该企业已持有更高层级的{held}称号，不再认定较低层级的{tier}。",
    ),
    "district.unknown": (
        "There is no county with the code {district}.",
        "没有代码为 {district} 的县（市、区）。",
    ),
    "districts.unknown": (
        "unknown district code(s): {districts}",
        "以下县（市、区）代码不存在：{districts}。",
    ),
    "plan.not_found": ("There is no plan '{plan}'.", "没有“{plan}”这一规划。"),
    "plan.year_outside": (
        "The plan {plan} covers {first}–{last}: choose a year in it.",
        "规划 {plan} 涵盖 {first}—{last} 年：请选择其中的年度。",
    ),
    "pipeline.no_history": (
        "No closed application of an earlier year reached the stage {stage}: there is no rate "
        "to forecast its open applications with.",
        "往年没有到达“{stage}”阶段的已结束申报，无法据以预测该阶段的在途申报。",
    ),
    # The stages, as a message names them
    "pipeline.stage.candidate": ("candidate (in the pool)", "培育库"),
    "pipeline.stage.applied": ("applied", "申报"),
    "pipeline.stage.recommended": ("recommended by the county", "县级推荐"),
    "pipeline.stage.reviewed": ("reviewed by the city", "市级审核"),
    "pipeline.stage.publicized": ("publicized (公示)", "公示"),
    "figure.unknown_measure": (
        "There is no measure '{measure}'.",
        "没有“{measure}”这一指标。",
    ),
    "catalog.invalid": ("The catalog is not valid: {reason}", "目录数据有误：{reason}"),
    # Tokens.
    "token.not_found": ("No token {id} exists.", "未找到编号为 {id} 的令牌。"),
    "token.unknown_role": ("Choose a role: {roles}.", "请选择角色：{roles}。"),
    "token.districts_required": (
        "A county bureau's token needs at least one county.",
        "县（市、区）工信部门的令牌至少需要一个县（市、区）。",
    ),
    "token.districts_not_taken": (
        "Only a county bureau's token has counties.",
        "只有县（市、区）工信部门的令牌才指定县（市、区）。",
    ),
    "token.credit_code_required": (
        "An enterprise's token needs the firm's unified social credit code.",
        "企业令牌需要填写该企业的统一社会信用代码。",
    ),
    "token.credit_code_not_taken": (
        "Only an enterprise's token names a firm.",
        "只有企业令牌才指定企业。",
    ),
    "token.district_or_codes": (
        "Give a county or a list of unified social credit codes, not both.",
        "请填写一个县（市、区）或一组统一社会信用代码，不能同时填写。",
    ),
    # People.
    "user.not_found": ("There is no account '{login}'.", "没有登录名为“{login}”的账号。"),
    "user.exists": ("An account '{login}' exists already.", "登录名“{login}”已存在。"),
    "user.unknown_role": ("Choose a role: {roles}.", "请选择角色：{roles}。"),
    "user.districts_required": (
        "A county clerk needs at least one county.",
        "县（市、区）工作人员至少需要一个县（市、区）。",
    ),
    "user.districts_not_taken": (
        "Only a county clerk has counties.",
        "只有县（市、区）工作人员才指定县（市、区）。",
    ),
    "user.own_account": (
        "An administrator does not disable their own account or change their own role.",
        "管理员不能停用自己的账号或更改自己的角色。",
    ),
    "password.wrong_current": ("This is not your current password.", "当前密码不正确。"),
    "password.one_time_expired": (
        "The one-time password has expired: ask the administrator for a new one.",
        "一次性密码已过期：请联系管理员重新发放。",
    ),
    "password.too_short": (
        "at least {length} characters",
        "至少 {length} 个字符。",
    ),
    "password.kinds": (
        "3 of: lower case, upper case, digits, symbols",
        "需包含小写字母、大写字母、数字、符号中的至少三类。",
    ),
    "password.contains_login": ("must not contain the login", "不能包含登录名。"),
    "password.reused": (
        "none of the last {count} passwords",
        "不能与最近 {count} 次使用过的密码相同。",
    ),
}

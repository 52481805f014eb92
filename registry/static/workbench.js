/* The clerk's workbench: /workbench#token=…[&lang=en].

   A published list: chosen or dropped, read by the server in a dry run (its facts prefilled from
   what the server read in the title), every row the answer names shown with filters, names
   resolved by a candidate or a typed credit code (the `resolve` part), then committed; the
   result and the audit events that request wrote. One firm: find, register, correct (with the
   ETag: a 412 says someone else changed it), certify, revoke. Everything through the public API
   with the bureau's token; nothing here the API does not do. */
"use strict";

(() => {
  const R = Registry;
  const API = "/api/v1";
  const TOKEN_KEY = "registry.workbench.token";
  const FACTS = ["tier", "year", "certified_on", "document_no", "batch", "valid_until", "renewal"];
  // What a row of a list can come to, as the preview filters them (a row may be several:
  // matched by name and created, with a warning).
  const KINDS = ["created", "unchanged", "matched", "resolved", "registers", "unresolved",
    "conflict", "skipped", "forbidden", "warning", "error"];

  R.addStrings({
    zh: {
      "workbench.title": "工作台",
      "workbench.heading": "区县工信部门工作台",
      "workbench.signin": "输入工作令牌",
      "workbench.signin.go": "进入",
      "workbench.signin.hint": "区县工信部门或管理员令牌；也可用链接打开：/workbench#token=…（令牌在 # 之后，不会发送到服务器）。",
      "workbench.import": "导入公布名单",
      "workbench.sheets": "文件中的名单（每个工作表一份）",
      "workbench.sheet.name": "工作表“{name}”",
      "workbench.sheet.facts": "{tier}，{year} 年度，{kind}，公告日期 {date}",
      "workbench.sheet.kind.new": "新认定",
      "workbench.sheet.kind.renewal": "复核",
      "workbench.sheet.kind.revoke": "撤销",
      "workbench.sheet.counts": "{rows} 行：新增认定 {created}，不变 {unchanged}，有错误的行 {errors}",
      "workbench.sheet.skipped": "未导入：{reason}",
      "workbench.sheet.row": "{sheet} 第 {row} 行",
      "workbench.page.row": "第 {page} 页第 {row} 行",
      "workbench.sheet.unknown": "—",
      "workbench.import.drop": "把名单文件拖到这里，或点击选择文件（XLSX、XLS、CSV/TXT、Word、PDF、JSON）",
      "workbench.facts": "名单信息（整份名单只填一次；已按标题预填）",
      "workbench.fact.tier": "类别",
      "workbench.fact.year": "年度",
      "workbench.fact.certified_on": "公告日期",
      "workbench.fact.document_no": "文号",
      "workbench.fact.batch": "批次",
      "workbench.fact.valid_until": "有效期至",
      "workbench.fact.renewal": "复核名单",
      "workbench.source.parameter": "已填写",
      "workbench.source.title": "读自标题",
      "workbench.source.default": "默认",
      "workbench.source.column": "逐行读自“{column}”列",
      "workbench.source.missing": "名单未写明，请填写",
      "workbench.preview": "预览（不写入）",
      "workbench.reading": "正在读取名单…",
      "workbench.filters": "筛选",
      "workbench.filter.all": "全部 {count}",
      "workbench.rows": "逐行预览",
      "workbench.col.row": "行",
      "workbench.col.outcome": "结果",
      "workbench.col.name": "企业",
      "workbench.col.detail": "说明",
      "workbench.kind.created": "新增",
      "workbench.kind.unchanged": "不变",
      "workbench.kind.matched": "按名称匹配",
      "workbench.kind.resolved": "已解析",
      "workbench.kind.registers": "新登记企业",
      "workbench.kind.forbidden": "非本辖区",
      "workbench.kind.error": "错误",
      "workbench.kind.unresolved": "未匹配",
      "workbench.kind.conflict": "冲突",
      "workbench.kind.skipped": "跳过",
      "workbench.kind.warning": "提示",
      "workbench.count.rows": "读取 {n} 行",
      "workbench.count.created_enterprises": "新登记企业 {n}",
      "workbench.count.created_certifications": "新增认定 {n}",
      "workbench.count.unchanged": "已有、不变 {n}",
      "workbench.count.matched_by_name": "按名称匹配 {n}",
      "workbench.count.resolved": "已解析 {n}",
      "workbench.list.row": "名单",
      "workbench.conflict": "{field}：登记为“{stored}”，名单为“{given}”",
      "workbench.candidate.none": "— 选择企业 —",
      "workbench.candidate.other": "其他：输入信用代码",
      "workbench.candidate": "{name}（{code}，{district}，相似度 {score}）",
      "workbench.resolve.code": "信用代码",
      "workbench.resolve.district": "县（市、区）（新企业）",
      "workbench.resolve.apply": "按所选解析，重新预览",
      "workbench.status.ok": "预览通过：可以导入。",
      "workbench.status.blocked": "还不能导入：{detail}",
      "workbench.commit": "确认导入",
      "workbench.commit.hint.blocked": "先处理错误和未匹配的企业。",
      "workbench.committing": "正在导入…",
      "workbench.result": "导入结果",
      "workbench.result.text": "已导入：新登记企业 {created_enterprises} 家，新增认定 {created_certifications} 条，不变 {unchanged} 条，跳过 {skipped} 行。",
      "workbench.events": "本次导入写入的审计记录",
      "workbench.col.action": "操作",
      "workbench.col.subject": "对象",
      "workbench.col.when": "时间",
      "workbench.firm": "企业与认定",
      "workbench.find": "统一社会信用代码",
      "workbench.find.go": "查找",
      "workbench.register": "登记新企业",
      "workbench.register.go": "登记",
      "workbench.registered": "已登记：{name}",
      "workbench.firm.name": "企业名称",
      "workbench.firm.district": "县（市、区）",
      "workbench.firm.chain": "产业链",
      "workbench.firm.title": "{name}（{code}）",
      "workbench.correct": "更正企业信息",
      "workbench.correct.go": "保存更正",
      "workbench.corrected": "已保存更正。",
      "workbench.reload": "重新载入",
      "workbench.stale": "保存失败：此企业在您载入之后已被他人修改（412）。请点“重新载入”查看最新信息后再更正。",
      "workbench.certs": "认定记录",
      "workbench.col.tier": "层级",
      "workbench.col.year": "年度",
      "workbench.col.certified_on": "公告日期",
      "workbench.col.valid_until": "有效期至",
      "workbench.col.status": "状态",
      "workbench.col.revoke": "撤销",
      "workbench.status.active": "有效",
      "workbench.status.expired": "已过期",
      "workbench.status.revoked": "已撤销",
      "workbench.revoke.go": "撤销…",
      "workbench.revoked": "已撤销该认定。",
      "workbench.certify": "记录认定",
      "workbench.certify.go": "记录",
      "workbench.certified": "已记录认定。",
      "workbench.history": "企业历史",
      "workbench.readonly": "该企业属于{district}，仅可查看。",
      "workbench.revoke.heading": "撤销认定",
      "workbench.revoke.firm": "企业",
      "workbench.revoke.title": "认定",
      "workbench.revoke.what": "{tier}（{year} 年度，有效期至 {valid_until}）",
      "workbench.revoke.bar": "撤销即开始三年限制期：{until} 前，该企业不得再获{ladder}的认定。撤销后本页无法撤回。",
      "workbench.revoke.reason.required": "撤销原因（必填）",
      "workbench.revoke.reason.missing": "请填写撤销原因。",
      "workbench.revoke.date": "撤销日期",
      "workbench.revoke.confirm": "确认撤销",
      "workbench.revoke.cancel": "取消",
      "workbench.revoke.label": "撤销 {tier}（{year} 年度）",
      "workbench.history.by": "（{actor}）",
      "workbench.history.details": "：{details}",
      "workbench.history.joiner": "；",
      "workbench.history.tier": "{tier} {year} 年度",
      "workbench.renewal": "（复核）",
      "workbench.history.registered_too": "，同时登记企业",
      "workbench.history.reason": "原因：{reason}",
      "workbench.history.revoked_on": "撤销日期 {date}",
      "workbench.history.change": "{field}：{old} → {new}",
      "workbench.history.none": "（空）",
      "workbench.error.forbidden": "此令牌无权使用工作台：需要区县工信部门或管理员令牌。",
      "workbench.error": "失败（{status}）：{detail}",
    },
    en: {
      "workbench.title": "Workbench",
      "workbench.heading": "Bureau workbench",
      "workbench.signin": "Enter a bureau token",
      "workbench.signin.go": "Enter",
      "workbench.signin.hint": "A bureau or admin token; or open /workbench#token=… (after the #, the token is never sent to the server).",
      "workbench.import": "Load a published list",
      "workbench.sheets": "The lists in the file (one per sheet)",
      "workbench.sheet.name": "Sheet “{name}”",
      "workbench.sheet.facts": "{tier}, {year}, {kind}, announced {date}",
      "workbench.sheet.kind.new": "new titles",
      "workbench.sheet.kind.renewal": "renewals",
      "workbench.sheet.kind.revoke": "revocations",
      "workbench.sheet.counts": "{rows} rows: {created} certifications new, {unchanged} unchanged, {errors} rows with errors",
      "workbench.sheet.skipped": "Not loaded: {reason}",
      "workbench.sheet.row": "{sheet} row {row}",
      "workbench.page.row": "page {page}, row {row}",
      "workbench.sheet.unknown": "—",
      "workbench.import.drop": "Drop the list here, or click to choose a file (XLSX, XLS, CSV/TXT, Word, PDF, JSON)",
      "workbench.facts": "The list's facts (once for the whole list; prefilled from its title)",
      "workbench.fact.tier": "Tier",
      "workbench.fact.year": "Year (年度)",
      "workbench.fact.certified_on": "Announced on",
      "workbench.fact.document_no": "Document no. (文号)",
      "workbench.fact.batch": "Batch",
      "workbench.fact.valid_until": "Valid until",
      "workbench.fact.renewal": "Renewal (复核) list",
      "workbench.source.parameter": "given",
      "workbench.source.title": "read from the title",
      "workbench.source.default": "default",
      "workbench.source.column": "row by row from column “{column}”",
      "workbench.source.missing": "not stated by the list: fill it in",
      "workbench.preview": "Preview (writes nothing)",
      "workbench.reading": "Reading the list…",
      "workbench.filters": "Filter",
      "workbench.filter.all": "All {count}",
      "workbench.rows": "Row by row",
      "workbench.col.row": "Row",
      "workbench.col.outcome": "Outcome",
      "workbench.col.name": "Firm",
      "workbench.col.detail": "Detail",
      "workbench.kind.created": "New",
      "workbench.kind.unchanged": "Unchanged",
      "workbench.kind.matched": "Matched by name",
      "workbench.kind.resolved": "Resolved",
      "workbench.kind.registers": "New firm",
      "workbench.kind.forbidden": "Not your district",
      "workbench.kind.error": "Error",
      "workbench.kind.unresolved": "Unresolved",
      "workbench.kind.conflict": "Conflict",
      "workbench.kind.skipped": "Skipped",
      "workbench.kind.warning": "Warning",
      "workbench.count.rows": "{n} rows read",
      "workbench.count.created_enterprises": "{n} firms to register",
      "workbench.count.created_certifications": "{n} new certifications",
      "workbench.count.unchanged": "{n} unchanged",
      "workbench.count.matched_by_name": "{n} matched by name",
      "workbench.count.resolved": "{n} resolved",
      "workbench.list.row": "list",
      "workbench.conflict": "{field}: registered as “{stored}”, the list says “{given}”",
      "workbench.candidate.none": "— choose a firm —",
      "workbench.candidate.other": "Other: type a credit code",
      "workbench.candidate": "{name} ({code}, {district}, similarity {score})",
      "workbench.resolve.code": "Credit code",
      "workbench.resolve.district": "District (a new firm)",
      "workbench.resolve.apply": "Resolve as chosen and preview again",
      "workbench.status.ok": "The preview passed: ready to load.",
      "workbench.status.blocked": "Not ready: {detail}",
      "workbench.commit": "Load the list",
      "workbench.commit.hint.blocked": "Resolve the errors and unmatched names first.",
      "workbench.committing": "Loading…",
      "workbench.result": "Result",
      "workbench.result.text": "Loaded: {created_enterprises} firms registered, {created_certifications} certifications recorded, {unchanged} unchanged, {skipped} rows skipped.",
      "workbench.events": "Audit events this load wrote",
      "workbench.col.action": "Action",
      "workbench.col.subject": "Subject",
      "workbench.col.when": "When",
      "workbench.firm": "Firms and certifications",
      "workbench.find": "Credit code",
      "workbench.find.go": "Find",
      "workbench.register": "Register a firm",
      "workbench.register.go": "Register",
      "workbench.registered": "Registered: {name}",
      "workbench.firm.name": "Name",
      "workbench.firm.district": "District",
      "workbench.firm.chain": "Industry chain",
      "workbench.firm.title": "{name} ({code})",
      "workbench.correct": "Correct the firm",
      "workbench.correct.go": "Save the correction",
      "workbench.corrected": "Correction saved.",
      "workbench.reload": "Reload",
      "workbench.stale": "Not saved: someone changed this firm after you loaded it (412). Reload to see the current record, then correct it again.",
      "workbench.certs": "Certifications",
      "workbench.col.tier": "Tier",
      "workbench.col.year": "Year",
      "workbench.col.certified_on": "Announced",
      "workbench.col.valid_until": "Valid until",
      "workbench.col.status": "Status",
      "workbench.col.revoke": "Revoke",
      "workbench.status.active": "Active",
      "workbench.status.expired": "Expired",
      "workbench.status.revoked": "Revoked",
      "workbench.revoke.go": "Revoke…",
      "workbench.revoked": "Certification revoked.",
      "workbench.certify": "Record a certification",
      "workbench.certify.go": "Record",
      "workbench.certified": "Certification recorded.",
      "workbench.history": "The firm's history",
      "workbench.readonly": "This firm is in {district}: you may read it only.",
      "workbench.revoke.heading": "Revoke a certification",
      "workbench.revoke.firm": "Firm",
      "workbench.revoke.title": "Title",
      "workbench.revoke.what": "{tier} ({year}, valid until {valid_until})",
      "workbench.revoke.bar": "Revoking starts the three-year bar: until {until} the firm may not be certified again in {ladder}. This page cannot undo it.",
      "workbench.revoke.reason.required": "Reason (required)",
      "workbench.revoke.reason.missing": "Say why the title is revoked.",
      "workbench.revoke.date": "Revoked on",
      "workbench.revoke.confirm": "Revoke",
      "workbench.revoke.cancel": "Cancel",
      "workbench.revoke.label": "Revoke {tier} ({year})",
      "workbench.history.by": " ({actor})",
      "workbench.history.details": ": {details}",
      "workbench.history.joiner": "; ",
      "workbench.history.tier": "{tier}, {year}",
      "workbench.renewal": " (renewal)",
      "workbench.history.registered_too": "; the firm registered too",
      "workbench.history.reason": "reason: {reason}",
      "workbench.history.revoked_on": "revoked on {date}",
      "workbench.history.change": "{field}: {old} → {new}",
      "workbench.history.none": "(none)",
      "workbench.error.forbidden": "This token may not use the workbench: a bureau or admin token is needed.",
      "workbench.error": "Failed ({status}): {detail}",
    },
  });

  const $ = (id) => document.getElementById(id);
  const h = R.h;
  const t = R.t;
  const state = {
    token: null,
    tiers: new Map(),
    districts: new Map(),
    file: null,
    given: {}, // the facts the clerk set (sent with every run)
    edited: new Set(), // the facts' fields the clerk changed
    answer: null, // the last dry run's answer
    resolve: {}, // name -> credit code, or {credit_code, district}
    filter: null,
    firm: null, // {body, etag}
    caller: null, // who is working: GET /me's token or user (name, role, districts)
    reply: null, // the last dry run's reply, shown in the preview
    result: null, // the load's answer, and the audit events it wrote
    events: null,
    found: null, // the firms a search found: {q, body}
    runs: 0, // dry runs started: only the latest one's answer is shown
  };

  // ---------------------------------------------------------------------------------------
  // The API

  /** A request as the workbench's caller (its token, or the person signed in). */
  const call = (method, url, options = {}) => R.send(method, url, { ...options, token: state.token });

  function problemText(reply) {
    const detail = (reply.body && (reply.body.detail || reply.body.title)) || "";
    return t("workbench.error", { status: reply.status, detail });
  }

  function say(id, text, kind = "") {
    const node = $(id);
    node.textContent = text;
    node.className = `status ${kind}`;
  }

  // ---------------------------------------------------------------------------------------
  // Sign-in

  async function signIn(token) {
    state.token = token;
    const probe = await call("GET", `${API}/me`);
    if (probe.status === 401) return signOut(t("common.error.token"));
    // The workbench writes: a bureau's token or the admin's (GET /me says whose this is).
    if (probe.status !== 200 || !["bureau", "admin"].includes(probe.body.token.role)) {
      return signOut(t("workbench.error.forbidden"));
    }
    sessionStorage.setItem(TOKEN_KEY, token);
    state.caller = probe.body.token;
    openBench();
  }

  /** A person signed in (their session's cookie): a clerk or an admin works here as themselves. */
  function signedInAs(user) {
    if (user.must_change_password) return location.assign("/login#change");
    if (!["bureau", "admin"].includes(user.role)) return signOut(t("workbench.error.forbidden"));
    state.token = null;
    state.caller = user;
    $("signout").hidden = true; // the header's 退出登录 signs a person out
    openBench();
  }

  function openBench() {
    $("signin").hidden = true;
    $("bench").hidden = false;
    $("token-error").textContent = "";
    renderWho();
    // Who is calling, as GET /me said at sign-in: the renewal season and the firm panel use it.
    const caller = { role: state.caller.role, districts: state.caller.districts || [] };
    Renewals.open({ call, token: state.token, caller, tiers: state.tiers, districts: state.districts, openFirm: showFirm });
    Board.open({ call, token: state.token, caller, tiers: state.tiers, districts: state.districts, openFirm: showFirm });
    usesCaller(caller);
  }

  function signOut(message) {
    state.token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    $("bench").hidden = true;
    $("signin").hidden = false;
    R.askForToken(message);
  }

  // ---------------------------------------------------------------------------------------
  // A published list

  R.addStrings({
    zh: {
      "workbench.options": "导入选项",
      "workbench.option.own": "只导入本辖区的行",
      "workbench.option.own.hint": "其他县（市、区）的行跳过，由其工信部门导入",
      "workbench.option.skip": "跳过未匹配的行",
      "workbench.option.skip.hint": "名称对不上任何已登记企业的行不导入",
      "workbench.option.action": "名单类型",
      "workbench.option.action.hint": "公示名单只推进申报阶段，不写入认定",
      "workbench.option.stage": "申报表所处阶段",
      "workbench.action.auto": "按标题判断",
      "workbench.action.certify": "认定名单（公告）",
      "workbench.action.publicize": "拟认定名单（公示）",
      "workbench.action.review": "市级拟推荐名单（公示）",
      "workbench.action.apply": "本地申报/推荐汇总表",
      "workbench.action.revoke": "撤销名单",
      "workbench.retry.own": "只导入本辖区的行并重试",
      "workbench.retry.skip": "跳过未匹配的行并重试",
      "workbench.forbidden.rows": "名单中有不属于本辖区（{districts}）的行，本令牌不能写入。",
      "workbench.count.skipped": "跳过 {n} 行",
      "workbench.count.conflicts": "冲突 {n} 行（不导入）",
      "workbench.count.warnings": "提示 {n} 条",
      "workbench.status.ready": "预览通过：可导入 {n} 行。",
      "workbench.status.ready.conflicts": "可导入 {n} 行，另有 {conflicts} 行冲突将不导入。",
      "workbench.status.warnings": "另有 {n} 条提示，请查看。",
      "workbench.status.skipped": "跳过 {n} 行。",
      "workbench.result.conflicts": "另有 {n} 行冲突，未导入。",
      "workbench.result.warnings": "提示 {n} 条。",
      "workbench.result.pipeline": "申报推进：公示 {publicized} 家，市级审核 {reviewed} 家，申报 {applied} 家；认定结案 {certified} 家。",
      "workbench.result.not_final": "公示后未列入本认定名单的申报 {n} 家：{names}",
      "workbench.firm.row": "{name}（{code}，{district}）",
      "workbench.remember": "记住此名称",
      "workbench.remember.hint": "以后名单印作“{name}”时自动匹配到此企业",
      "workbench.remembered": "已记住：“{name}”→ {firm}",
    },
    en: {
      "workbench.options": "How to load",
      "workbench.option.own": "Load only my districts' rows",
      "workbench.option.own.hint": "Rows of other counties are skipped; their bureaus load them",
      "workbench.option.skip": "Skip unmatched rows",
      "workbench.option.skip.hint": "Rows whose name matches no registered firm are not loaded",
      "workbench.option.action": "Kind of list",
      "workbench.option.action.hint": "A proposed (公示) list moves applications on; it records no title",
      "workbench.option.stage": "Stage of the sheet's applications",
      "workbench.action.auto": "From the list's title",
      "workbench.action.certify": "Final list (公告)",
      "workbench.action.publicize": "Proposed list (拟认定公示)",
      "workbench.action.review": "City's recommendation (拟推荐公示)",
      "workbench.action.apply": "Our own application / recommendation sheet",
      "workbench.action.revoke": "Revocation list",
      "workbench.retry.own": "Load only my districts' rows and retry",
      "workbench.retry.skip": "Skip unmatched rows and retry",
      "workbench.forbidden.rows": "The list has rows outside your districts ({districts}); this token cannot write them.",
      "workbench.count.skipped": "{n} rows skipped",
      "workbench.count.conflicts": "{n} conflicting rows (not loaded)",
      "workbench.count.warnings": "{n} warnings",
      "workbench.status.ready": "The preview passed: {n} rows can be loaded.",
      "workbench.status.ready.conflicts": "{n} rows can be loaded; {conflicts} more conflict and will not be loaded.",
      "workbench.status.warnings": "{n} warnings: read them.",
      "workbench.status.skipped": "{n} rows skipped.",
      "workbench.result.conflicts": "{n} conflicting rows not loaded.",
      "workbench.result.warnings": "{n} warnings.",
      "workbench.result.pipeline": "Applications moved: {publicized} publicized, {reviewed} reviewed by the city, {applied} applied; {certified} closed as certified.",
      "workbench.result.not_final": "{n} publicized applications left off this final list: {names}",
      "workbench.firm.row": "{name} ({code}, {district})",
      "workbench.remember": "Remember this name",
      "workbench.remember.hint": "Lists printing “{name}” will match this firm from now on",
      "workbench.remembered": "Remembered: “{name}” → {firm}",
    },
  });

  function chooseFile(file) {
    if (!file) return;
    state.file = file;
    state.given = {};
    state.edited.clear();
    state.resolve = {};
    state.filter = null;
    $("file-name").textContent = file.name;
    $("result-area").hidden = true;
    clearPreview();
    dryRun();
  }

  /** Nothing of an earlier list or an earlier answer stays on screen, and nothing can be
      loaded, until the server has read this one. */
  function clearPreview() {
    state.answer = state.reply = null;
    $("summary").replaceChildren();
    renderSheets(null, "sheets");
    $("filters").replaceChildren();
    $("rows-table").tBodies[0].replaceChildren();
    $("commit").disabled = true;
    $("commit-hint").textContent = "";
  }

  /** The districts the caller writes in: a bureau's; null for the admin (the whole city). */
  function ownDistricts() {
    return state.caller && state.caller.role === "bureau" ? state.caller.districts || [] : null;
  }

  function importUrl(dry) {
    const query = new URLSearchParams({ dry_run: dry ? "true" : "false" });
    if (dry) query.set("outcomes", "true");
    if (ownDistricts() && $("opt-own").checked) query.set("own_districts_only", "true");
    if ($("opt-skip").checked) query.set("skip_unresolved", "true");
    const action = $("opt-action").value;
    if (action) query.set("action", action);
    if (action === "apply") query.set("stage", $("opt-stage").value);
    for (const [name, value] of Object.entries(state.given)) {
      if (value !== "" && value !== null && value !== undefined) query.set(name, value);
    }
    return `${API}/imports?${query}`;
  }

  function importForm() {
    const form = new FormData();
    form.append("file", state.file, state.file.name);
    if (Object.keys(state.resolve).length) form.append("resolve", JSON.stringify(state.resolve));
    return form;
  }

  async function dryRun() {
    if (!state.file) return;
    say("import-status", t("workbench.reading"));
    $("preview-area").hidden = false;
    $("commit").disabled = true;
    const run = ++state.runs;
    const reply = await call("POST", importUrl(true), { form: importForm() });
    if (run !== state.runs) return; // a later run (another file, other facts) answers instead
    if (reply.status !== 200 && reply.status !== 422) return refused(reply);
    state.answer = reply.body;
    fillFacts(reply.body.list, Array.isArray(reply.body.errors) ? reply.body.errors : []);
    renderPreview(reply);
  }

  /** A list refused whole (rows elsewhere, a bad file): nothing of an earlier preview stays;
      rows outside a bureau's districts offer to load its own rows only. */
  function refused(reply) {
    clearPreview();
    const own = ownDistricts();
    if (reply.status === 403 && own) {
      const names = own.map(districtName).join(t("workbench.sep"));
      say("import-status", `${t("workbench.forbidden.rows", { districts: names })} ${problemText(reply)}`, "failure");
      retryWith("opt-own", "workbench.retry.own");
    } else {
      say("import-status", problemText(reply), "failure");
    }
  }

  /** A button after the status: tick the option and read the list again. */
  function retryWith(option, label) {
    const button = h("button", { type: "button", id: `retry-${option}`, class: "retry" }, t(label));
    button.addEventListener("click", () => {
      $(option).checked = true;
      dryRun();
    });
    $("import-status").append(" ", button);
    $("import-status").scrollIntoView({ block: "nearest" });
  }

  function fillFacts(list, errors) {
    $("facts-form").hidden = false;
    $("list-title").textContent = (list && list.title) || state.file.name;
    const facts = (list && list.facts) || {};
    // a fact the list must state and does not: one error for the list, naming the fact
    const missing = new Set((errors || []).filter((e) => e.row === null).map((e) => e.field));
    for (const name of FACTS) {
      const fact = facts[name] || {};
      const input = $(`fact-${name}`);
      if (!(name in state.given)) {
        if (name === "renewal") input.checked = Boolean(fact.value);
        else input.value = fact.value ?? "";
      }
      let source = fact.source ? t(`workbench.source.${fact.source}`) : "";
      if (fact.column) source = t("workbench.source.column", { column: fact.column });
      if (missing.has(name)) source = t("workbench.source.missing");
      $(`source-${name}`).textContent = source;
      $(`source-${name}`).classList.toggle("missing", missing.has(name));
      input.setAttribute("aria-invalid", String(missing.has(name)));
    }
  }

  /** Every row of the list the answer names, by row number, with what becomes of it. */
  function previewRows(answer) {
    const rows = new Map();
    const order = new Map((answer.sheets || []).map((sheet, index) => [sheet.name, index]));
    let sheet = null; // the sheet of the entry being placed (a workbook of several lists)
    let page = null; // a PDF's row: its page and its row on that page
    const at = (number, name) => {
      const key = `${sheet ?? ""}\u0000${number ?? "list"}`;
      if (!rows.has(key)) rows.set(key, { row: number, sheet, place: order.get(sheet) ?? 0, name: "", kinds: new Set(), details: [] });
      const row = rows.get(key);
      if (name && !row.name) row.name = name;
      if (page && !row.page) row.page = page;
      return row;
    };
    for (const o of answer.outcomes || []) {
      sheet = o.sheet ?? null;
      page = o.page ? [o.page, o.page_row] : null;
      const row = at(o.row, o.name);
      row.kinds.add(o.outcome);
      if (o.found_by === "name") row.kinds.add("matched");
      if (o.found_by === "resolution") row.kinds.add("resolved");
      if (o.registers && o.outcome === "created") row.kinds.add("registers");
      row.code = o.credit_code;
      row.district = o.district;
      row.registers = o.registers;
    }
    for (const e of answer.errors || []) {
      sheet = e.sheet ?? null;
      page = e.page ? [e.page, e.page_row] : null;
      const row = at(e.row, e.name);
      row.kinds.add("error");
      row.details.push([e.column || e.field, e.message].filter(Boolean).join("："));
    }
    for (const u of answer.unresolved || []) {
      sheet = u.sheet ?? null;
      page = u.page ? [u.page, u.page_row] : null;
      const row = at(u.row, u.name);
      row.kinds.add("unresolved");
      row.details.push(u.reason);
      row.unresolved = u;
    }
    for (const c of answer.conflicts || []) {
      sheet = c.sheet ?? null;
      page = c.page ? [c.page, c.page_row] : null;
      const row = at(c.row);
      row.kinds.add("conflict");
      row.details.push(t("workbench.conflict", c));
    }
    for (const s of answer.skipped || []) {
      sheet = s.sheet ?? null;
      page = s.page ? [s.page, s.page_row] : null;
      const row = at(s.row, s.name);
      row.kinds.add("skipped");
      row.details.push(`${s.region || ""} ${s.reason}`.trim());
    }
    for (const w of answer.warnings || []) {
      sheet = w.sheet ?? null;
      page = w.page ? [w.page, w.page_row] : null;
      at(w.row).kinds.add("warning");
      at(w.row).details.push(w.message);
    }
    return [...rows.values()].sort((a, b) => a.place - b.place || (a.row ?? 0) - (b.row ?? 0));
  }

  /** What an answer comes to: rows loaded, conflicting rows (not loaded), warnings, skipped. */
  function tally(answer) {
    const conflicts = new Set((answer.conflicts || []).map((c) => c.row)).size;
    return {
      loaded: (answer.created_certifications || 0) + (answer.unchanged || 0) + (answer.revoked || 0),
      conflicts,
      warnings: (answer.warnings || []).length,
      skipped: (answer.skipped || []).length,
    };
  }

  function readyText(answer) {
    const n = tally(answer);
    const parts = [n.conflicts ? t("workbench.status.ready.conflicts", { n: R.number(n.loaded), conflicts: R.number(n.conflicts) }) : t("workbench.status.ready", { n: R.number(n.loaded) })];
    if (n.skipped) parts.push(t("workbench.status.skipped", { n: R.number(n.skipped) }));
    if (n.warnings) parts.push(t("workbench.status.warnings", { n: R.number(n.warnings) }));
    return parts.join(" ");
  }

  function renderPreview(reply) {
    state.reply = reply;
    const answer = reply.body;
    const ready = reply.status === 200;
    say("import-status", ready ? readyText(answer) : t("workbench.status.blocked", { detail: answer.detail || "" }), ready ? "success" : "failure");
    if (!ready && (answer.unresolved || []).length && !$("opt-skip").checked) retryWith("opt-skip", "workbench.retry.skip");
    const n = tally(answer);
    const counted = { ...answer, skipped: n.skipped, conflicts: n.conflicts, warnings: n.warnings };
    $("summary").replaceChildren(
      ...["rows", "created_enterprises", "created_certifications", "unchanged", "matched_by_name", "resolved", "skipped", "conflicts", "warnings"]
        .filter((key) => !["skipped", "conflicts", "warnings"].includes(key) || counted[key])
        .map((key) => h("li", { dataset: { count: key, value: counted[key] ?? 0 } }, t(`workbench.count.${key}`, { n: R.number(counted[key] ?? 0) }))),
    );
    renderSheets(answer, "sheets");
    const rows = previewRows(answer);
    const counts = new Map(KINDS.map((kind) => [kind, rows.filter((r) => r.kinds.has(kind)).length]));
    const button = (kind, label) =>
      h("button", { type: "button", class: "filter", "aria-pressed": String(state.filter === kind), dataset: { kind: kind || "all" } }, label);
    $("filters").replaceChildren(
      button(null, t("workbench.filter.all", { count: rows.length })),
      ...KINDS.filter((kind) => counts.get(kind)).map((kind) => button(kind, `${t(`workbench.kind.${kind}`)} ${counts.get(kind)}`)),
    );
    for (const node of $("filters").children) {
      node.addEventListener("click", () => {
        state.filter = node.dataset.kind === "all" ? null : node.dataset.kind;
        renderPreview(reply);
      });
    }
    const shown = rows.filter((r) => !state.filter || r.kinds.has(state.filter));
    $("rows-table").tBodies[0].replaceChildren(...shown.map(rowLine));
    if (answer.unresolved && answer.unresolved.length && (!state.filter || state.filter === "unresolved")) {
      $("rows-table").tBodies[0].append(
        h("tr", {}, h("td", { colspan: "4" }, h("button", { type: "button", id: "apply-resolve" }, t("workbench.resolve.apply")))),
      );
      $("apply-resolve").addEventListener("click", applyResolutions);
    }
    $("commit").disabled = !ready;
    $("commit-hint").textContent = ready ? "" : t("workbench.commit.hint.blocked");
  }

  function rowLabel(row) {
    if (row.page) return t("workbench.page.row", { page: row.page[0], row: row.page[1] });
    const number = row.row == null ? t("workbench.list.row") : String(row.row);
    return row.sheet ? t("workbench.sheet.row", { sheet: row.sheet, row: number }) : number;
  }

  /** A workbook of several lists: each sheet as its own list (its title, facts and counts),
      and the sheets set aside with the reason. Nothing for a file of one list. */
  function renderSheets(answer, id) {
    const sheets = (answer && answer.sheets) || [];
    const area = $(id);
    area.hidden = sheets.length < 2;
    if (area.hidden) return area.replaceChildren();
    area.replaceChildren(
      h("h4", {}, t("workbench.sheets")),
      h("ol", { class: "sheet-list" }, sheets.map(sheetLine)),
    );
  }

  function sheetLine(sheet) {
    const name = h("strong", {}, t("workbench.sheet.name", { name: sheet.name ?? sheet.position }));
    if (sheet.skipped) {
      return h("li", { class: "sheet skipped", dataset: { sheet: sheet.name } }, name, " ", h("span", { class: "detail" }, t("workbench.sheet.skipped", { reason: sheet.skipped.message })));
    }
    const facts = (sheet.list && sheet.list.facts) || {};
    const value = (fact) => (facts[fact] && facts[fact].value) ?? t("workbench.sheet.unknown");
    const revoke = sheet.list && sheet.list.action && sheet.list.action.value === "revoke";
    const kind = revoke ? "revoke" : value("renewal") === true ? "renewal" : "new";
    const counts = sheet.counts || {};
    return h(
      "li",
      { class: "sheet", dataset: { sheet: sheet.name, kind } },
      name,
      sheet.title ? h("span", { class: "sheet-title" }, ` ${sheet.title}`) : "",
      h("span", { class: "detail" }, t("workbench.sheet.facts", { tier: facts.tier && facts.tier.value ? tierLabel(facts.tier.value) : t("workbench.sheet.unknown"), year: value("year"), kind: t(`workbench.sheet.kind.${kind}`), date: value(revoke ? "revoked_on" : "certified_on") })),
      h("span", { class: "detail sheet-counts" }, t("workbench.sheet.counts", { rows: R.number(counts.rows ?? 0), created: R.number(counts.created_certifications ?? 0), unchanged: R.number(counts.unchanged ?? 0), errors: R.number(counts.errors ?? 0) })),
    );
  }

  function rowLine(row) {
    const kinds = KINDS.filter((kind) => row.kinds.has(kind));
    const detail = h("td", {}, row.details.map((text) => h("span", { class: "detail" }, text)));
    if (row.unresolved) detail.append(resolver(row.unresolved));
    if (row.kinds.has("resolved") && !row.registers) detail.append(...rememberOffers(row));
    const firm = row.code ? t("workbench.firm.row", { name: row.name, code: row.code, district: districtName(row.district) }) : row.name;
    return h(
      "tr",
      { class: `kind-${kinds[0] || "none"}`, dataset: { row: row.row ?? "", kinds: kinds.join(" ") } },
      h("td", {}, rowLabel(row)),
      h("td", {}, kinds.map((kind) => h("span", { class: `badge badge-${kind}` }, t(`workbench.kind.${kind}`)))),
      h("td", {}, firm || ""),
      detail,
    );
  }

  /** A name the clerk resolved to a registered firm, offered to be kept as one of the firm's
      names: the next list printing it is matched without resolving. */
  function rememberOffers(row) {
    const printed = Object.entries(state.resolve)
      .filter(([, chosen]) => (typeof chosen === "string" ? chosen : chosen.credit_code) === row.code)
      .map(([name]) => name);
    return printed.map((name) => {
      const button = h("button", { type: "button", class: "secondary remember", title: t("workbench.remember.hint", { name }), dataset: { name, code: row.code } }, t("workbench.remember"));
      const said = h("span", { class: "remembered", role: "status" });
      button.addEventListener("click", async () => {
        button.disabled = true;
        const reply = await call("POST", `${API}/enterprises/${encodeURIComponent(row.code)}/names`, { json: { name } });
        const done = reply.status === 200;
        said.textContent = done ? t("workbench.remembered", { name, firm: row.name }) : problemText(reply);
        said.className = `remembered ${done ? "success" : "failure"}`;
        button.disabled = done;
      });
      return h("span", { class: "remember-offer" }, button, " ", said);
    });
  }

  /** A choice of candidates for a name, or a typed credit code (and a district, for a firm
      the registry does not know yet). */
  function resolver(entry) {
    const id = entry.sheet ? `resolve-${encodeURIComponent(entry.sheet).replace(/%/g, "")}-${entry.row}` : `resolve-${entry.row}`;
    const select = h(
      "select",
      { id, dataset: { name: entry.name }, "aria-label": entry.name },
      h("option", { value: "" }, t("workbench.candidate.none")),
      (entry.candidates || []).map((c) =>
        h("option", { value: c.credit_code }, t("workbench.candidate", { name: c.name, code: c.credit_code, district: districtName(c.district), score: c.score })),
      ),
      h("option", { value: "other" }, t("workbench.candidate.other")),
    );
    const code = h("input", { id: `${id}-code`, type: "text", spellcheck: "false", autocomplete: "off", "aria-label": `${entry.name} ${t("workbench.resolve.code")}`, placeholder: t("workbench.resolve.code"), hidden: true });
    const district = districtSelect(h("select", { id: `${id}-district`, "aria-label": `${entry.name} ${t("workbench.resolve.district")}`, hidden: true }), true);
    const chosen = state.resolve[entry.name];
    if (chosen) select.value = typeof chosen === "string" && (entry.candidates || []).some((c) => c.credit_code === chosen) ? chosen : "other";
    const sync = () => {
      const other = select.value === "other";
      code.hidden = !other;
      district.hidden = !other;
    };
    select.addEventListener("change", sync);
    sync();
    return h("div", { class: "resolver" }, select, code, district);
  }

  /** A credit code as typed or pasted: spaces anywhere dropped, upper case. */
  const typedCode = (text) => text.replace(/\s+/g, "").toUpperCase();

  function applyResolutions() {
    for (const select of document.querySelectorAll("#rows-table select[data-name]")) {
      const name = select.dataset.name;
      if (select.value === "other") {
        const code = typedCode($(`${select.id}-code`).value);
        const district = $(`${select.id}-district`).value;
        if (code) state.resolve[name] = district ? { credit_code: code, district } : code;
      } else if (select.value) {
        state.resolve[name] = select.value;
      }
    }
    dryRun();
  }

  // Only the facts the clerk changed are sent: the rest the server reads from the title again.
  function readFacts(event) {
    event.preventDefault();
    for (const name of state.edited) {
      const input = $(`fact-${name}`);
      state.given[name] = name === "renewal" ? String(input.checked) : input.value.trim();
    }
    dryRun();
  }

  function resultText(answer) {
    const n = tally(answer);
    const parts = [t("workbench.result.text", { ...answer, skipped: n.skipped })];
    if (n.conflicts) parts.push(t("workbench.result.conflicts", { n: n.conflicts }));
    if (n.warnings) parts.push(t("workbench.result.warnings", { n: n.warnings }));
    const moved = { publicized: answer.publicized || 0, reviewed: answer.reviewed || 0, applied: answer.applied || 0, certified: answer.certified_applications || 0 };
    if (Object.values(moved).some(Boolean)) parts.push(t("workbench.result.pipeline", moved));
    const left = answer.not_on_final_list || [];
    if (left.length) parts.push(t("workbench.result.not_final", { n: left.length, names: left.map((a) => a.name).join("、") }));
    return parts.join(" ");
  }

  async function commit() {
    $("commit").disabled = true;
    say("import-status", t("workbench.committing"));
    const requestId = "wb-" + Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");
    const reply = await call("POST", importUrl(false), { form: importForm(), headers: { "X-Request-ID": requestId } });
    if (reply.status === 422) return renderPreview(reply);
    if (reply.status !== 200) return refused(reply);
    $("preview-area").hidden = true;
    $("facts-form").hidden = true;
    $("result-area").hidden = false;
    state.result = reply.body;
    Renewals.refresh();
    Board.refresh();
    $("result").textContent = resultText(reply.body);
    renderSheets(reply.body, "result-sheets");
    const events = [];
    let after = 0;
    for (;;) {
      const page = await call("GET", `${API}/events?request_id=${requestId}&limit=1000&after=${after}`);
      if (page.status !== 200 || !page.body.items.length) break;
      events.push(...page.body.items);
      after = page.body.next_after;
    }
    state.events = events;
    renderEvents();
    $("result").focus();
  }

  function renderEvents() {
    $("events-table").tBodies[0].replaceChildren(
      ...(state.events || []).map((e) => h("tr", { dataset: { action: e.action } }, h("td", {}, String(e.id)), h("td", {}, R.actionWords(e.action, { coded: true })), h("td", {}, e.subject), h("td", {}, R.localTime(e.at, { seconds: true })))),
    );
  }

  // ---------------------------------------------------------------------------------------
  // Who is working; finding a firm; its token for the status page

  R.addStrings({
    zh: {
      "workbench.working": "当前：{name}（{role}）",
      "workbench.working.districts": "辖区：{districts}",
      "workbench.working.city": "辖区：全市",
      "workbench.sep": "、",
      "workbench.find.label": "企业名称或统一社会信用代码",
      "workbench.find.hint": "输入名称的一部分，或完整的 18 位代码",
      "workbench.found": "名称或代码含“{q}”的企业 {n} 家，请选择：",
      "workbench.found.more": "名称或代码含“{q}”的企业共 {n} 家，下面是前 {shown} 家；请输入更完整的名称。",
      "workbench.found.none": "没有名称或代码含“{q}”的企业。可核对名称，或登记新企业。",
      "workbench.found.caption": "查找结果",
      "workbench.found.open": "打开",
      "workbench.col.code": "统一社会信用代码",
      "workbench.col.district": "县（市、区）",
      "workbench.token.offer": "企业查询令牌",
      "workbench.token.go": "为该企业生成查询令牌",
      "workbench.token.hint": "企业凭此令牌在“企业状态”页查看本企业的认定与有效期；只显示这一次，请当场转交。",
      "workbench.token.made": "已为“{name}”生成查询令牌（只显示这一次）：",
      "workbench.token.link": "企业状态页链接：",
      "workbench.token.name": "{name} 查询令牌",
    },
    en: {
      "workbench.working": "Working: {name} ({role})",
      "workbench.working.districts": "Districts: {districts}",
      "workbench.working.city": "Districts: the whole city",
      "workbench.sep": ", ",
      "workbench.find.label": "Firm's name or credit code",
      "workbench.find.hint": "Part of the name, or the whole 18-character code",
      "workbench.found": "{n} firms whose name or code contains “{q}”: choose one.",
      "workbench.found.more": "{n} firms whose name or code contains “{q}”; the first {shown} below. Type more of the name.",
      "workbench.found.none": "No firm's name or code contains “{q}”. Check the name, or register a new firm.",
      "workbench.found.caption": "Firms found",
      "workbench.found.open": "Open",
      "workbench.col.code": "Credit code",
      "workbench.col.district": "District",
      "workbench.token.offer": "The firm's status token",
      "workbench.token.go": "Issue a status token for this firm",
      "workbench.token.hint": "With it the firm reads its certifications and their validity on the status page; shown this once, hand it over now.",
      "workbench.token.made": "Status token issued for “{name}” (shown this once):",
      "workbench.token.link": "Status page link:",
      "workbench.token.name": "{name} status token",
    },
  });

  const FOUND_PAGE = 20;

  /** Who is working here, as GET /me said: a token's or a person's name, role and districts. */
  function renderWho() {
    const caller = state.caller;
    if (!caller) return;
    const districts = caller.role === "bureau"
      ? t("workbench.working.districts", { districts: (caller.districts || []).map(districtName).join(t("workbench.sep")) })
      : t("workbench.working.city");
    $("who").textContent = `${t("workbench.working", { name: caller.name, role: t(`common.role.${caller.role}`) })} ${districts}`;
    $("opt-own-field").hidden = caller.role !== "bureau";
  }

  /** A whole credit code opens its firm; anything else is part of a name (or a code's start),
      answered with the firms it matches to choose from. Spaces pasted around it never count. */
  async function find(text) {
    const typed = text.trim();
    $("find-code").value = typed;
    $("found").hidden = true;
    if (!typed) return;
    const code = typedCode(typed);
    if (/^[0-9A-Z]{18}$/.test(code)) {
      $("find-code").value = code;
      return openFirm(code);
    }
    const reply = await call("GET", `${API}/enterprises?${new URLSearchParams({ q: typed, page_size: String(FOUND_PAGE) })}`);
    if (reply.status !== 200) return say("firm-message", problemText(reply), "failure");
    state.found = { q: typed, body: reply.body };
    renderFound();
    if (!$("found").hidden) $("found").scrollIntoView({ block: "nearest" });
  }

  function renderFound() {
    if (!state.found) return;
    const { q, body } = state.found;
    const total = body.pagination ? body.pagination.total : body.items.length;
    const key = !total ? "workbench.found.none" : total > body.items.length ? "workbench.found.more" : "workbench.found";
    say("firm-message", t(key, { q, n: R.number(total), shown: body.items.length }), total ? "" : "failure");
    $("found").hidden = !total;
    $("found-table").tBodies[0].replaceChildren(
      ...body.items.map((firm) => {
        const open = h("button", { type: "button", class: "secondary", dataset: { code: firm.credit_code } }, t("workbench.found.open"));
        open.addEventListener("click", () => {
          $("find-code").value = firm.credit_code;
          openFirm(firm.credit_code);
        });
        return h("tr", { dataset: { code: firm.credit_code } }, h("td", {}, firm.name), h("td", { class: "code" }, firm.credit_code), h("td", {}, districtName(firm.district)), h("td", {}, open));
      }),
    );
  }

  /** The firm in the panel, and the offer of its status token when the caller may issue it. */
  async function openFirm(code) {
    state.found = null;
    $("found").hidden = true;
    $("token-made").hidden = true;
    await loadFirm(code);
    const firm = state.firm && state.firm.body.credit_code === code ? state.firm.body : null;
    const own = ownDistricts();
    $("firm-token").hidden = !firm || (own !== null && !own.includes(firm.district));
  }

  async function issueToken() {
    const firm = state.firm.body;
    const reply = await call("POST", `${API}/tokens`, { json: { role: "enterprise", name: t("workbench.token.name", { name: firm.name }).slice(0, 200), credit_code: firm.credit_code } });
    if (reply.status !== 201) return say("firm-message", problemText(reply), "failure");
    const link = `${location.origin}/status#token=${encodeURIComponent(reply.body.secret)}`;
    $("token-made-text").textContent = t("workbench.token.made", { name: firm.name });
    $("token-secret").textContent = reply.body.secret;
    $("token-link").textContent = link;
    $("token-link").href = link;
    $("token-made").hidden = false;
  }

  /** The listeners of the parts above: the list's options, finding, the token. */
  function setUpLoadingAndFinding() {
    for (const id of ["opt-own", "opt-skip", "opt-action", "opt-stage"]) {
      $(id).addEventListener("change", () => {
        $("opt-stage-field").hidden = $("opt-action").value !== "apply";
        if (state.file) dryRun();
      });
    }
    $("find-form").addEventListener("submit", (event) => {
      event.preventDefault();
      find($("find-code").value);
    });
    $("issue-token").addEventListener("click", issueToken);
    document.title = t("workbench.title");
    R.onLanguageChange(() => {
      document.title = t("workbench.title");
      for (const option of $("fact-tier").options) {
        if (state.tiers.has(option.value)) option.textContent = R.tierLabel(state.tiers.get(option.value));
      }
      renderWho();
      renderFound();
      if (state.reply && !$("preview-area").hidden) {
        fillFacts(state.reply.body.list, Array.isArray(state.reply.body.errors) ? state.reply.body.errors : []);
        renderPreview(state.reply);
      }
      if (state.result && !$("result-area").hidden) $("result").textContent = resultText(state.result);
      renderEvents();
    });
  }

  // ---------------------------------------------------------------------------------------
  // One firm

  // The firm panel's own: who is calling (for the read-only view and the register form's
  // county), the history shown (for a change of language), the title being revoked.
  const firmPanel = { caller: null, history: null, revoking: null };

  function districtName(code) {
    const district = state.districts.get(code);
    return district ? R.districtName(district) : code || "";
  }

  function districtSelect(select, blank = false) {
    select.replaceChildren(
      ...(blank ? [h("option", { value: "" }, "—")] : []),
      ...[...state.districts.values()].map((d) => h("option", { value: d.code }, `${R.districtName(d)} ${d.code}`)),
    );
    return select;
  }

  /** Who is calling ({role, districts}, or null): the register form defaults to the clerk's
      county, and a firm outside their districts opens read-only. */
  function usesCaller(caller) {
    firmPanel.caller = caller;
    if (caller && caller.role === "bureau" && caller.districts.length) $("reg-district").value = caller.districts[0];
    if (state.firm) renderFirm();
  }

  /** Whether the caller may change `firm` (the admin any; a clerk in their districts). */
  function writable(firm) {
    const caller = firmPanel.caller;
    if (!caller) return true; // not known yet: the API decides
    return caller.role === "admin" || caller.districts.includes(firm.district);
  }

  /** Show a firm in the panel (from another part of the page: the renewal list). */
  function showFirm(code) {
    $("find-code").value = code;
    openFirm(code); // the status-token offer follows the firm shown
    $("firm-heading").scrollIntoView({ block: "start" });
  }

  async function loadFirm(code, message = "") {
    const reply = await call("GET", `${API}/enterprises/${encodeURIComponent(code)}`);
    if (reply.status !== 200) {
      $("firm").hidden = true;
      say("firm-message", problemText(reply), "failure");
      return;
    }
    state.firm = { body: reply.body, etag: reply.headers.get("ETag") };
    firmPanel.history = null;
    say("firm-message", message, message ? "success" : "");
    renderFirm();
    loadHistory(code);
  }

  function renderFirm() {
    const firm = state.firm.body;
    const canWrite = writable(firm);
    $("firm").hidden = false;
    $("register-form").hidden = true;
    $("firm-title").textContent = t("workbench.firm.title", { name: firm.name, code: firm.credit_code });
    $("firm-readonly").hidden = canWrite;
    $("firm-readonly").textContent = canWrite ? "" : t("workbench.readonly", { district: districtName(firm.district) });
    $("correct-form").hidden = !canWrite;
    $("certify-form").hidden = !canWrite;
    $("certs-revoke-col").hidden = !canWrite;
    $("fix-name").value = firm.name;
    $("fix-district").value = firm.district;
    $("fix-chain").value = firm.industry_chain || "";
    $("certs-table").tBodies[0].replaceChildren(
      ...firm.certifications.map((cert) =>
        h(
          "tr",
          { dataset: { id: cert.id, tier: cert.tier, status: cert.status } },
          h("td", {}, tierLabel(cert.tier), cert.renewal ? t("workbench.renewal") : ""),
          h("td", {}, String(cert.year)),
          h("td", {}, cert.certified_on),
          h("td", {}, cert.valid_until),
          h("td", {}, t(`workbench.status.${cert.status}`)),
          canWrite ? revokeCell(cert) : null,
        ),
      ),
    );
    if (firmPanel.history) renderHistory();
  }

  function tierLabel(key) {
    return R.tierLabel(state.tiers.get(key)) || key;
  }

  /** Only an active title may be revoked: an expired or revoked one has no control. */
  function revokeCell(cert) {
    const cell = h("td", {});
    if (cert.status !== "active") return cell;
    const label = t("workbench.revoke.label", { tier: tierLabel(cert.tier), year: cert.year });
    const go = h("button", { type: "button", class: "secondary", "aria-label": label }, t("workbench.revoke.go"));
    go.addEventListener("click", () => askRevocation(cert));
    cell.append(go);
    return cell;
  }

  function formData(form) {
    const data = {};
    for (const [name, value] of new FormData(form)) if (String(value).trim() !== "") data[name] = String(value).trim();
    return data;
  }

  async function register(event) {
    event.preventDefault();
    const data = formData($("register-form"));
    const reply = await call("POST", `${API}/enterprises`, { json: data });
    if (reply.status !== 201) return say("firm-message", problemText(reply), "failure");
    $("find-code").value = reply.body.credit_code;
    loadFirm(reply.body.credit_code, t("workbench.registered", { name: reply.body.name }));
  }

  async function correct(event) {
    event.preventDefault();
    const firm = state.firm.body;
    const changes = {};
    const name = $("fix-name").value.trim();
    const chain = $("fix-chain").value.trim();
    if (name !== firm.name) changes.name = name;
    if ($("fix-district").value !== firm.district) changes.district = $("fix-district").value;
    if (chain !== (firm.industry_chain || "")) changes.industry_chain = chain || null;
    const reply = await call("PATCH", `${API}/enterprises/${firm.credit_code}`, { json: changes, headers: { "If-Match": state.firm.etag } });
    if (reply.status === 412) return say("firm-message", t("workbench.stale"), "failure");
    if (reply.status !== 200) return say("firm-message", problemText(reply), "failure");
    state.firm = { body: reply.body, etag: reply.headers.get("ETag") };
    renderFirm();
    say("firm-message", t("workbench.corrected"), "success");
    loadHistory(firm.credit_code);
  }

  async function certify(event) {
    event.preventDefault();
    const data = formData($("certify-form"));
    if (data.year) data.year = Number(data.year);
    data.renewal = $("cert-renewal").checked;
    const reply = await call("POST", `${API}/enterprises/${state.firm.body.credit_code}/certifications`, { json: data });
    if (reply.status !== 201) return say("firm-message", problemText(reply), "failure");
    loadFirm(state.firm.body.credit_code, t("workbench.certified"));
    Renewals.refresh();
  }

  // ---------------------------------------------------------------------------------------
  // Revoking asks first: the firm, the title, the three-year bar, a reason and the date

  /** The first day the ladder may be granted again: three years after `day` (29 February: 28th). */
  function barEnds(day) {
    const [year, month, date] = day.split("-");
    return `${Number(year) + 3}-${month}-${month === "02" && date === "29" ? "28" : date}`;
  }

  /** The tiers a revocation of `tier` bars: its whole ladder, lowest first. */
  function ladderOf(key) {
    const tier = state.tiers.get(key);
    if (!tier) return key;
    const tiers = [...state.tiers.values()].filter((other) => other.ladder === tier.ladder).sort((a, b) => a.rank - b.rank);
    return tiers.map((other) => R.tierLabel(other)).join(R.language() === "zh" ? "、" : ", ");
  }

  function describeRevocation() {
    const { cert } = firmPanel.revoking;
    const firm = state.firm.body;
    $("revoke-firm").textContent = t("workbench.firm.title", { name: firm.name, code: firm.credit_code });
    $("revoke-title").textContent = t("workbench.revoke.what", { tier: tierLabel(cert.tier), year: cert.year, valid_until: cert.valid_until });
    const on = $("revoke-date").value || R.zoneDay();
    $("revoke-bar").textContent = t("workbench.revoke.bar", { until: barEnds(on), ladder: ladderOf(cert.tier) });
  }

  function askRevocation(cert) {
    firmPanel.revoking = { cert, code: state.firm.body.credit_code };
    const today = R.zoneDay();
    $("revoke-reason").value = "";
    $("revoke-reason").removeAttribute("aria-invalid");
    $("revoke-date").value = today;
    $("revoke-date").max = today;
    $("revoke-date").min = cert.certified_on;
    $("revoke-error").textContent = "";
    $("revoke-confirm").disabled = false;
    describeRevocation();
    $("revoke-dialog").showModal();
    $("revoke-reason").focus();
  }

  function cancelRevocation() {
    firmPanel.revoking = null;
    $("revoke-dialog").close();
  }

  async function confirmRevocation(event) {
    event.preventDefault();
    const revoking = firmPanel.revoking;
    if (!revoking) return;
    const reason = $("revoke-reason").value.trim();
    if (!reason) {
      $("revoke-reason").setAttribute("aria-invalid", "true");
      $("revoke-error").textContent = t("workbench.revoke.reason.missing");
      $("revoke-reason").focus();
      return;
    }
    const json = { reason };
    if ($("revoke-date").value) json.revoked_on = $("revoke-date").value;
    $("revoke-confirm").disabled = true;
    const reply = await call("POST", `${API}/certifications/${revoking.cert.id}/revoke`, { json });
    $("revoke-confirm").disabled = false;
    if (reply.status !== 200) {
      $("revoke-error").textContent = problemText(reply);
      return;
    }
    firmPanel.revoking = null;
    $("revoke-dialog").close();
    loadFirm(revoking.code, t("workbench.revoked"));
    Renewals.refresh();
  }

  // ---------------------------------------------------------------------------------------
  // The firm's history: in the registry's time zone, the actions in words

  async function loadHistory(code) {
    const slot = $("history-slot");
    const reply = await call("GET", `${API}/enterprises/${encodeURIComponent(code)}/history`);
    slot.hidden = reply.status !== 200 || !reply.body || !Array.isArray(reply.body.items);
    if (slot.hidden || !state.firm || state.firm.body.credit_code !== code) return;
    firmPanel.history = reply.body.items;
    renderHistory();
  }

  function renderHistory() {
    $("history").replaceChildren(
      ...firmPanel.history.map((event) => {
        const details = historyDetails(event).filter(Boolean);
        return h(
          "li",
          { dataset: { action: event.action } },
          h("time", { datetime: event.at }, R.localTime(event.at)),
          " ",
          h("strong", { class: "action" }, R.actionWords(event.action)),
          details.length ? t("workbench.history.details", { details: details.join(t("workbench.history.joiner")) }) : "",
          event.actor_name ? h("span", { class: "note-inline" }, t("workbench.history.by", { actor: event.actor_name })) : "",
        );
      }),
    );
  }

  function titleWords(title) {
    if (!title || !title.tier) return "";
    return t("workbench.history.tier", { tier: tierLabel(title.tier), year: title.year }) + (title.renewal ? t("workbench.renewal") : "");
  }

  /** What an event did, in words: the title recorded, the reason of a revocation, a
      correction's fields (old → new). */
  function historyDetails(event) {
    const data = event.data || {};
    switch (event.action) {
      case "certification.recorded":
        return [titleWords(data)];
      case "import.row":
        return [titleWords(data.certification) + (data.registered ? t("workbench.history.registered_too") : "")];
      case "certification.revoked": {
        const cert = state.firm.body.certifications.find((c) => c.id === data.id);
        return [titleWords(cert), data.revoked_on && t("workbench.history.revoked_on", { date: data.revoked_on }), data.reason && t("workbench.history.reason", { reason: data.reason })];
      }
      case "enterprise.updated":
        return (event.changes || []).map((change) => t("workbench.history.change", { field: fieldLabel(change.field), old: fieldValue(change.field, change.old), new: fieldValue(change.field, change.new) }));
      default:
        return [];
    }
  }

  function fieldLabel(field) {
    const keys = { name: "workbench.firm.name", district: "workbench.firm.district", industry_chain: "workbench.firm.chain" };
    return keys[field] ? t(keys[field]) : field;
  }

  function fieldValue(field, value) {
    if (value === null || value === undefined || value === "") return t("workbench.history.none");
    return field === "district" ? districtName(value) : String(value);
  }

  // ---------------------------------------------------------------------------------------
  // Start

  async function main() {
    R.start();
    const taken = R.takeFromFragment({ token: TOKEN_KEY });
    const [tiers, districts] = await Promise.all([R.getJSON(`${API}/tiers`), R.getJSON(`${API}/districts`)]);
    for (const tier of tiers.body) state.tiers.set(tier.key, tier);
    for (const district of districts.body) state.districts.set(district.code, district);
    const tierOptions = (select, blank) =>
      select.replaceChildren(
        ...(blank ? [h("option", { value: "" }, "—")] : []),
        ...tiers.body.map((tier) => h("option", { value: tier.key }, R.tierLabel(tier))),
      );
    tierOptions($("fact-tier"), true);
    tierOptions($("cert-tier"), false);
    for (const select of document.querySelectorAll(".district-select")) districtSelect(select);
    R.onLanguageChange(() => {
      tierOptions($("cert-tier"), false);
      if (state.firm) renderFirm();
    });

    const input = $("list-file");
    input.addEventListener("change", () => chooseFile(input.files[0]));
    const drop = $("drop");
    drop.addEventListener("dragover", (event) => {
      event.preventDefault();
      drop.classList.add("dragging");
    });
    drop.addEventListener("dragleave", () => drop.classList.remove("dragging"));
    drop.addEventListener("drop", (event) => {
      event.preventDefault();
      drop.classList.remove("dragging");
      chooseFile(event.dataTransfer.files[0]);
    });
    $("facts-form").addEventListener("submit", readFacts);
    for (const name of FACTS) {
      $(`fact-${name}`).addEventListener("change", () => state.edited.add(name));
      $(`fact-${name}`).addEventListener("input", () => state.edited.add(name));
    }
    $("commit").addEventListener("click", commit);
    setUpLoadingAndFinding();
    $("new-firm").addEventListener("click", () => {
      $("register-form").hidden = false;
      $("firm").hidden = true;
      $("reg-code").value = $("find-code").value.trim().toUpperCase();
      $("reg-code").focus();
    });
    $("register-form").addEventListener("submit", register);
    $("correct-form").addEventListener("submit", correct);
    $("reload-firm").addEventListener("click", () => loadFirm(state.firm.body.credit_code));
    $("certify-form").addEventListener("submit", certify);
    $("revoke-form").addEventListener("submit", confirmRevocation);
    $("revoke-cancel").addEventListener("click", cancelRevocation);
    $("revoke-date").addEventListener("change", describeRevocation);
    $("token-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const token = $("token-input").value.trim();
      if (!token) {
        $("token-error").textContent = t("common.error.required");
        return;
      }
      signIn(token);
    });
    $("signout").addEventListener("click", () => signOut(""));

    const token = taken.token || sessionStorage.getItem(TOKEN_KEY);
    const person = token ? null : await R.whoAmI();
    if (token) signIn(token);
    else if (person) signedInAs(person);
    else signOut("");
  }

  main();
})();

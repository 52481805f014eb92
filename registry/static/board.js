/* The workbench's pipeline board: the open applications of the caller's districts (a bureau's
   own; the admin chooses a county or reads the city) for a year and a tier, grouped by stage
   with their counts (培育库 → 已申报 → 县级推荐 → 市级审核 → 公示); select several and move them
   forward (to a later stage only), reject them (a reason is required) or withdraw them, all or
   none (POST /applications/moves); and the same list as the 推荐汇总表 (GET
   /exports/applications.xlsx). Everything through the public API as the workbench's caller. */
"use strict";

const Board = (() => {
  const R = Registry;
  const API = "/api/v1";
  const STAGES = ["candidate", "applied", "recommended", "reviewed", "publicized"];
  const PAGE_SIZE = 500;
  const COLUMNS = ["pick", "name", "code", "district", "tier", "batch", "contact", "since"];

  R.addStrings({
    zh: {
      "board.heading": "申报进度（培育库到认定）",
      "board.about": "本辖区在办的申报，按阶段分组；勾选企业后可推进到后续阶段、驳回或撤回（全部成功或全部不写入）。",
      "board.year": "年度",
      "board.tier": "类别",
      "board.tier.all": "全部类别",
      "board.district": "县（市、区）",
      "board.district.all": "全市",
      "board.district.own": "本辖区全部",
      "board.export": "导出推荐汇总表",
      "board.export.failed": "导出失败（{status}）：{detail}",
      "board.counts": "各阶段数量",
      "board.count": "共 {total} 家在办",
      "board.count.none": "没有在办的申报。",
      "board.stage.candidate": "培育库",
      "board.stage.applied": "已申报",
      "board.stage.recommended": "县级推荐",
      "board.stage.reviewed": "市级审核",
      "board.stage.publicized": "公示",
      "board.stage.rejected": "未通过",
      "board.stage.withdrawn": "已撤回",
      "board.stage.count": "{stage}（{n}）",
      "board.col.pick": "选择",
      "board.col.name": "企业名称",
      "board.col.code": "统一社会信用代码",
      "board.col.district": "县（市、区）",
      "board.col.tier": "申报类别",
      "board.col.batch": "批次",
      "board.col.contact": "联系人",
      "board.col.since": "进入本阶段",
      "board.pick.label": "选择 {name}",
      "board.selected": "已选 {n} 家",
      "board.move.to": "推进到",
      "board.move": "推进",
      "board.reject": "驳回…",
      "board.withdraw": "撤回…",
      "board.moved": "已将 {n} 家推进到“{stage}”。",
      "board.closed": "已将 {n} 家标记为“{stage}”。",
      "board.dialog.reject": "驳回申报",
      "board.dialog.withdraw": "撤回申报",
      "board.dialog.firms": "涉及企业（{n} 家）：{names}",
      "board.dialog.reason.required": "驳回原因（必填）",
      "board.dialog.reason": "说明（选填）",
      "board.dialog.reason.missing": "请填写驳回原因。",
      "board.dialog.confirm": "确认",
      "board.dialog.cancel": "取消",
      "board.caption": "在办申报（按阶段分组）",
      "board.error": "操作未完成（{status}）：{detail}",
    },
    en: {
      "board.heading": "Applications: from the pool to the title",
      "board.about": "Your districts' open applications, grouped by stage; select firms to move them to a later stage, reject or withdraw them (all or none).",
      "board.year": "Year",
      "board.tier": "Tier",
      "board.tier.all": "All tiers",
      "board.district": "District",
      "board.district.all": "The whole city",
      "board.district.own": "All my districts",
      "board.export": "Export the recommendation summary",
      "board.export.failed": "The export failed ({status}): {detail}",
      "board.counts": "Open applications at each stage",
      "board.count": "{total} open in all",
      "board.count.none": "No open application.",
      "board.stage.candidate": "Pool",
      "board.stage.applied": "Applied",
      "board.stage.recommended": "Recommended by the county",
      "board.stage.reviewed": "Reviewed by the city",
      "board.stage.publicized": "Publicized",
      "board.stage.rejected": "Rejected",
      "board.stage.withdrawn": "Withdrawn",
      "board.stage.count": "{stage} ({n})",
      "board.col.pick": "Select",
      "board.col.name": "Firm",
      "board.col.code": "Credit code",
      "board.col.district": "District",
      "board.col.tier": "Tier applied for",
      "board.col.batch": "Batch",
      "board.col.contact": "Contact",
      "board.col.since": "At this stage since",
      "board.pick.label": "Select {name}",
      "board.selected": "{n} selected",
      "board.move.to": "Move to",
      "board.move": "Move forward",
      "board.reject": "Reject…",
      "board.withdraw": "Withdraw…",
      "board.moved": "{n} moved to “{stage}”.",
      "board.closed": "{n} marked “{stage}”.",
      "board.dialog.reject": "Reject applications",
      "board.dialog.withdraw": "Withdraw applications",
      "board.dialog.firms": "Firms ({n}): {names}",
      "board.dialog.reason.required": "Reason (required)",
      "board.dialog.reason": "Note (optional)",
      "board.dialog.reason.missing": "Give the reason for the rejection.",
      "board.dialog.confirm": "Confirm",
      "board.dialog.cancel": "Cancel",
      "board.caption": "Open applications, by stage",
      "board.error": "Not done ({status}): {detail}",
    },
  });

  const $ = (id) => document.getElementById(id);
  const h = R.h;
  const t = R.t;
  const state = {
    call: null,
    token: null,
    caller: null,
    tiers: new Map(),
    districts: new Map(),
    openFirm: () => {},
    year: null,
    tier: "",
    district: "",
    items: [],
    picked: new Set(),
    closing: null, // "rejected" | "withdrawn" while the dialog asks
    bound: false,
  };

  function problemText(reply) {
    const detail = (reply.body && (reply.body.detail || reply.body.title)) || "";
    return t("board.error", { status: reply.status, detail });
  }

  function say(text, kind = "") {
    $("board-status").textContent = text;
    $("board-status").className = `status ${kind}`;
  }

  const stageLabel = (stage) => t(`board.stage.${stage}`);
  const tierLabel = (key) => R.tierLabel(state.tiers.get(key)) || key;

  function districtName(code) {
    const district = state.districts.get(code);
    return district ? R.districtName(district) : code || "";
  }

  /** The filters, as the list and its export take them. */
  function filters() {
    const query = new URLSearchParams({ year: String(state.year), open: "true" });
    if (state.tier) query.set("tier", state.tier);
    if (state.district) query.set("district", state.district);
    return query;
  }

  /** Every open application the filters find (page after page: a county's year is short). */
  async function load() {
    const items = [];
    for (let page = 1; ; page += 1) {
      const query = filters();
      query.set("page", String(page));
      query.set("page_size", String(PAGE_SIZE));
      const reply = await state.call("GET", `${API}/applications?${query}`);
      if (reply.status !== 200) return say(problemText(reply), "failure");
      items.push(...reply.body.items);
      if (page >= (reply.body.pagination.total_pages || 1)) break;
    }
    state.items = items;
    const known = new Set(items.map((item) => item.id));
    state.picked = new Set([...state.picked].filter((id) => known.has(id)));
    render();
  }

  function since(item) {
    const moves = item.history || [];
    const last = moves[moves.length - 1];
    return last ? last.on || (last.at || "").slice(0, 10) : (item.updated_at || "").slice(0, 10);
  }

  function row(item) {
    const pick = h("input", { type: "checkbox", class: "board-pick", "aria-label": t("board.pick.label", { name: item.name }) });
    pick.checked = state.picked.has(item.id);
    pick.addEventListener("change", () => {
      if (pick.checked) state.picked.add(item.id);
      else state.picked.delete(item.id);
      renderTools();
    });
    const name = h("button", { type: "button", class: "secondary link-button" }, item.name || item.credit_code);
    name.addEventListener("click", () => state.openFirm(item.credit_code));
    const contact = [item.contact_name, item.contact_phone].filter(Boolean).join(" ");
    return h(
      "tr",
      { dataset: { id: item.id, stage: item.stage, code: item.credit_code } },
      h("td", {}, pick),
      h("td", {}, name),
      h("td", { class: "code" }, item.credit_code),
      h("td", {}, districtName(item.district)),
      h("td", {}, tierLabel(item.tier)),
      h("td", {}, item.batch || ""),
      h("td", {}, contact),
      h("td", { class: "date" }, since(item)),
    );
  }

  function render() {
    renderFilters();
    const groups = STAGES.map((stage) => [stage, state.items.filter((item) => item.stage === stage)]);
    $("board-counts").replaceChildren(
      ...groups.map(([stage, items]) => h("li", { dataset: { stage, n: items.length } }, h("span", {}, stageLabel(stage)), h("b", {}, R.number(items.length)))),
    );
    const total = state.items.length;
    $("board-count").textContent = total ? t("board.count", { total: R.number(total) }) : t("board.count.none");
    const table = $("board-table");
    table.hidden = total === 0;
    table.replaceChildren(
      table.caption,
      table.tHead,
      ...groups
        .filter(([, items]) => items.length)
        .map(([stage, items]) =>
          h(
            "tbody",
            { dataset: { stage } },
            h("tr", { class: "stage-row" }, h("th", { scope: "rowgroup", colspan: String(COLUMNS.length) }, t("board.stage.count", { stage: stageLabel(stage), n: R.number(items.length) }))),
            ...items.map(row),
          ),
        ),
    );
    renderTools();
  }

  /** The move controls: only stages later than every application selected. */
  function renderTools() {
    const picked = state.items.filter((item) => state.picked.has(item.id));
    const furthest = Math.max(-1, ...picked.map((item) => STAGES.indexOf(item.stage)));
    const later = STAGES.slice(furthest + 1);
    const select = $("board-stage");
    const before = select.value;
    select.replaceChildren(...later.map((stage) => h("option", { value: stage }, stageLabel(stage))));
    if (later.includes(before)) select.value = before;
    $("board-selected").textContent = t("board.selected", { n: picked.length });
    $("board-move").disabled = !picked.length || !later.length;
    select.disabled = !picked.length || !later.length;
    $("board-reject").disabled = !picked.length;
    $("board-withdraw").disabled = !picked.length;
  }

  function renderFilters() {
    const tiers = [...state.tiers.values()].filter((tier) => tier.has_quota || tier.ladder === "sme");
    const tierSelect = $("board-tier");
    tierSelect.replaceChildren(h("option", { value: "" }, t("board.tier.all")), ...tiers.map((tier) => h("option", { value: tier.key }, R.tierLabel(tier))));
    tierSelect.value = state.tier;
    const choices = districtChoices();
    $("board-district-field").hidden = choices.length <= 1;
    const districtSelect = $("board-district");
    districtSelect.replaceChildren(...choices.map(([code, name]) => h("option", { value: code }, name)));
    districtSelect.value = state.district;
    $("board-year").value = String(state.year);
    $("board-table").caption.textContent = t("board.caption");
  }

  function districtChoices() {
    if (state.caller.role === "bureau") {
      const own = state.caller.districts.map((code) => [code, districtName(code)]);
      return own.length > 1 ? [["", t("board.district.own")], ...own] : own;
    }
    return [["", t("board.district.all")], ...[...state.districts.keys()].map((code) => [code, districtName(code)])];
  }

  /** Move the selected applications to `stage`, all or none; `reason` for a rejection. */
  async function move(stage, reason) {
    const ids = [...state.picked];
    const json = { ids, stage };
    if (reason) json.reason = reason;
    const reply = await state.call("POST", `${API}/applications/moves`, { json });
    if (reply.status !== 200) {
      say(problemText(reply), "failure");
      return false;
    }
    state.picked.clear();
    const done = STAGES.includes(stage) ? "board.moved" : "board.closed";
    say(t(done, { n: ids.length, stage: stageLabel(stage) }), "success");
    await load();
    return true;
  }

  function ask(stage) {
    state.closing = stage;
    const names = state.items.filter((item) => state.picked.has(item.id)).map((item) => item.name);
    $("board-dialog-heading").textContent = t(stage === "rejected" ? "board.dialog.reject" : "board.dialog.withdraw");
    $("board-dialog-firms").textContent = t("board.dialog.firms", { n: names.length, names: names.join("、") });
    $("board-reason-label").textContent = t(stage === "rejected" ? "board.dialog.reason.required" : "board.dialog.reason");
    $("board-reason").value = "";
    $("board-reason").required = stage === "rejected";
    $("board-reason").removeAttribute("aria-invalid");
    $("board-dialog-error").textContent = "";
    $("board-dialog").showModal();
    $("board-reason").focus();
  }

  async function confirm(event) {
    event.preventDefault();
    const reason = $("board-reason").value.trim();
    if (state.closing === "rejected" && !reason) {
      $("board-reason").setAttribute("aria-invalid", "true");
      $("board-dialog-error").textContent = t("board.dialog.reason.missing");
      $("board-reason").focus();
      return;
    }
    $("board-dialog-confirm").disabled = true;
    const done = await move(state.closing, reason);
    $("board-dialog-confirm").disabled = false;
    if (!done) {
      $("board-dialog-error").textContent = $("board-status").textContent;
      return;
    }
    state.closing = null;
    $("board-dialog").close();
  }

  function cancel() {
    state.closing = null;
    $("board-dialog").close();
  }

  async function download(event) {
    event.preventDefault();
    const query = filters();
    const response = await fetch(`${API}/exports/applications.xlsx?${query}`, { headers: { ...R.credentialHeaders("GET", state.token), "Accept-Language": R.language() === "zh" ? "zh-CN" : "en" }, cache: "no-store" });
    if (!response.ok) {
      let body = null;
      try {
        body = await response.json();
      } catch (_) {
        /* not JSON */
      }
      say(t("board.export.failed", { status: response.status, detail: (body && (body.detail || body.title)) || "" }), "failure");
      return;
    }
    const link = h("a", { href: URL.createObjectURL(await response.blob()), download: `applications-${state.year}${state.tier ? "-" + state.tier : ""}.xlsx` });
    document.body.append(link);
    link.click();
    link.remove();
  }

  function bind() {
    if (state.bound) return;
    state.bound = true;
    const reload = () => {
      state.picked.clear();
      load();
    };
    $("board-year").addEventListener("change", (event) => {
      const year = Number(event.target.value);
      if (year >= 2000 && year <= 2100) state.year = year;
      reload();
    });
    $("board-tier").addEventListener("change", (event) => {
      state.tier = event.target.value;
      reload();
    });
    $("board-district").addEventListener("change", (event) => {
      state.district = event.target.value;
      reload();
    });
    $("board-move").addEventListener("click", () => move($("board-stage").value));
    $("board-reject").addEventListener("click", () => ask("rejected"));
    $("board-withdraw").addEventListener("click", () => ask("withdrawn"));
    $("board-dialog-form").addEventListener("submit", confirm);
    $("board-dialog-cancel").addEventListener("click", cancel);
    $("board-export").addEventListener("click", download);
    R.onLanguageChange(() => {
      if (state.caller) render();
    });
  }

  /** Show the board for the workbench's caller ({role, districts}); the same arguments as
      Renewals.open. */
  function open({ call, token, caller, tiers, districts, openFirm }) {
    Object.assign(state, { call, token, caller, tiers, districts, openFirm, tier: "", district: "", items: [], picked: new Set() });
    state.year = Number(R.zoneDay().slice(0, 4));
    bind();
    $("board-slot").hidden = false;
    render();
    load();
  }

  /** Read the board again after a write elsewhere on the workbench (a title, a list). */
  function refresh() {
    if (state.caller) load();
  }

  return { open, refresh };
})();

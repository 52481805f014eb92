/* The renewal season on the workbench: the titles ending by this year's end that nothing takes
   over yet (no 复核 renewal, no higher title), in the caller's districts (a bureau's own; the
   admin and a viewer choose a county or read the city), the titles renewed by 复核 first (the
   cultivation ladder's tiers and 头雁, as the catalog places them) and the other designations
   behind a filter; a page at a time with the
   count, the firm one click away, and the same list as an Excel sheet. Everything through the
   public API (GET /certifications, GET /exports/certifications.xlsx) as the workbench's caller.

   The workbench opens it (`Renewals.open`) once someone is signed in; it answers who is calling
   ({role, districts}, from GET /me), which the firm panel needs too. */
"use strict";

const Renewals = (() => {
  const R = Registry;
  const API = "/api/v1";
  const PAGE_SIZE = 20;
  const KINDS = ["primary", "other", "all"]; // the filter's choices, as lists of tiers (or none)
  // Renewed by 复核: every tier of these ladders…, and these tiers (头雁, not its candidates)
  const RENEWED_LADDERS = ["sme"];
  const RENEWED_TIERS = ["head_goose"];

  R.addStrings({
    zh: {
      "renewals.heading": "本年度到期、尚未复核的认定",
      "renewals.about": "有效期至 {end} 及之前、尚无复核或晋级的认定；剩余天数按 {today} 计。",
      "renewals.kinds": "认定类别",
      "renewals.kind.primary": "梯度培育及头雁（需复核）",
      "renewals.kind.other": "其他称号",
      "renewals.kind.all": "全部",
      "renewals.district": "县（市、区）",
      "renewals.district.all": "全市",
      "renewals.district.own": "本辖区全部",
      "renewals.export": "导出 Excel",
      "renewals.export.failed": "导出失败（{status}）。",
      "renewals.count": "{scope}：共 {total} 条",
      "renewals.count.none": "{scope}：没有需要复核的认定。",
      "renewals.scope.city": "全市",
      "renewals.caption": "需复核的认定（按有效期排序）",
      "renewals.col.name": "企业名称",
      "renewals.col.code": "统一社会信用代码",
      "renewals.col.district": "县（市、区）",
      "renewals.col.tier": "层级",
      "renewals.col.valid_until": "有效期至",
      "renewals.col.days": "剩余天数",
      "renewals.col.open": "企业",
      "renewals.days": "{n} 天",
      "renewals.open": "查看",
      "renewals.open.label": "查看 {name}",
      "renewals.pager": "翻页",
      "renewals.prev": "上一页",
      "renewals.next": "下一页",
      "renewals.page": "第 {page} / {pages} 页",
      "renewals.error": "无法读取到期认定（{status}）：{detail}",
    },
    en: {
      "renewals.heading": "Titles ending this year, not renewed",
      "renewals.about": "Titles valid until {end} or earlier that no renewal (复核) or higher title takes over yet; days left as of {today}.",
      "renewals.kinds": "Kind of title",
      "renewals.kind.primary": "Cultivation ladder and 头雁 (renewed by 复核)",
      "renewals.kind.other": "Other designations",
      "renewals.kind.all": "All",
      "renewals.district": "District",
      "renewals.district.all": "The whole city",
      "renewals.district.own": "All my districts",
      "renewals.export": "Export to Excel",
      "renewals.export.failed": "The export failed ({status}).",
      "renewals.count": "{scope}: {total} in all",
      "renewals.count.none": "{scope}: no title to renew.",
      "renewals.scope.city": "The whole city",
      "renewals.caption": "Titles to renew (by end date)",
      "renewals.col.name": "Firm",
      "renewals.col.code": "Credit code",
      "renewals.col.district": "District",
      "renewals.col.tier": "Tier",
      "renewals.col.valid_until": "Valid until",
      "renewals.col.days": "Days left",
      "renewals.col.open": "Firm",
      "renewals.days": "{n} days",
      "renewals.open": "Open",
      "renewals.open.label": "Open {name}",
      "renewals.pager": "Pages",
      "renewals.prev": "Previous",
      "renewals.next": "Next",
      "renewals.page": "Page {page} of {pages}",
      "renewals.error": "Cannot read the titles ending ({status}): {detail}",
    },
  });

  const $ = (id) => document.getElementById(id);
  const h = R.h;
  const t = R.t;
  const state = {
    call: null, // the workbench's request: its token, or the person signed in
    token: null,
    caller: null, // {role, districts}
    tiers: new Map(),
    districts: new Map(),
    openFirm: () => {},
    kind: "primary",
    district: "", // "" : the caller's scope (a bureau's districts, the city for the others)
    end: null, // the last day of the registry's year: titles ending by then
    answer: null,
    bound: false,
  };

  const yearEnd = (day) => `${day.slice(0, 4)}-12-31`;

  function districtName(code) {
    const district = state.districts.get(code);
    return district ? R.districtName(district) : code || "";
  }

  function tierLabel(key) {
    return R.tierLabel(state.tiers.get(key)) || key;
  }

  /** The tiers renewed by 复核 (`renewed`) or the others, as the catalog places them. */
  function tiersOf(renewed) {
    const isRenewed = (tier) => RENEWED_LADDERS.includes(tier.ladder) || RENEWED_TIERS.includes(tier.key);
    return [...state.tiers.values()].filter((tier) => isRenewed(tier) === renewed).map((tier) => tier.key);
  }

  /** The list's filters, as the list and its export take them. */
  function filters() {
    const query = new URLSearchParams({ expires_by: state.end, superseded: "false" });
    if (state.kind !== "all") query.set("tier", tiersOf(state.kind === "primary").join(","));
    if (state.district) query.set("district", state.district);
    return query;
  }

  async function load(page = 1) {
    const query = filters();
    query.set("page", String(page));
    query.set("page_size", String(PAGE_SIZE));
    const reply = await state.call("GET", `${API}/certifications?${query}`);
    if (reply.status !== 200) {
      const detail = (reply.body && (reply.body.detail || reply.body.title)) || "";
      $("expiring-count").textContent = t("renewals.error", { status: reply.status, detail });
      $("expiring-count").className = "status failure";
      return;
    }
    // The registry's year, not the browser's: ask again when its day is in another year.
    if (reply.body.as_of && yearEnd(reply.body.as_of) !== state.end) {
      state.end = yearEnd(reply.body.as_of);
      return load(page);
    }
    state.answer = reply.body;
    render();
  }

  /** Whose titles the list shows, in words: the county chosen, a bureau's own, or the city. */
  function scopeWords() {
    if (state.district) return districtName(state.district);
    if (state.caller.role === "bureau") return R.listOf(state.caller.districts.map(districtName));
    return t("renewals.scope.city");
  }

  function render() {
    renderFilters();
    const answer = state.answer;
    if (!answer) return;
    $("expiring-about").textContent = t("renewals.about", { end: state.end, today: answer.as_of || "" });
    const { total, page, total_pages: pages } = answer.pagination;
    const count = $("expiring-count");
    count.className = "status";
    count.textContent = t(total ? "renewals.count" : "renewals.count.none", { scope: scopeWords(), total: R.number(total) });
    $("expiring-table").tBodies[0].replaceChildren(...answer.items.map(row));
    $("expiring-table").hidden = total === 0;
    $("expiring-pager").hidden = pages <= 1;
    $("expiring-page").textContent = t("renewals.page", { page, pages });
    $("expiring-prev").disabled = page <= 1;
    $("expiring-next").disabled = page >= pages;
  }

  function row(cert) {
    const open = h("button", { type: "button", class: "secondary link-button", "aria-label": t("renewals.open.label", { name: cert.name }) }, t("renewals.open"));
    open.addEventListener("click", () => state.openFirm(cert.credit_code));
    const days = cert.days_to_expiry;
    return h(
      "tr",
      { dataset: { id: cert.id, district: cert.district, tier: cert.tier } },
      h("td", {}, cert.name || ""),
      h("td", { class: "code" }, cert.credit_code || ""),
      h("td", {}, districtName(cert.district)),
      h("td", {}, tierLabel(cert.tier)),
      h("td", {}, cert.valid_until),
      h("td", { class: `number${days != null && days <= 31 ? " warning" : ""}` }, days == null ? "" : t("renewals.days", { n: days })),
      h("td", {}, open),
    );
  }

  function renderFilters() {
    $("expiring-kinds").replaceChildren(
      ...KINDS.map((kind) => {
        const button = h("button", { type: "button", class: "filter", "aria-pressed": String(kind === state.kind), dataset: { kind } }, t(`renewals.kind.${kind}`));
        button.addEventListener("click", () => {
          state.kind = kind;
          load(1);
        });
        return button;
      }),
    );
    const choices = districtChoices();
    $("expiring-district-field").hidden = choices.length <= 1;
    const select = $("expiring-district");
    select.replaceChildren(...choices.map(([code, name]) => h("option", { value: code }, name)));
    select.value = state.district;
  }

  /** The counties the caller may narrow the list to: one of a bureau's districts (or all of
      them); any county for the admin and a viewer (or the city). */
  function districtChoices() {
    if (state.caller.role === "bureau") {
      const own = state.caller.districts.map((code) => [code, districtName(code)]);
      return own.length > 1 ? [["", t("renewals.district.own")], ...own] : own;
    }
    return [["", t("renewals.district.all")], ...[...state.districts.keys()].map((code) => [code, districtName(code)])];
  }

  async function download(event) {
    event.preventDefault();
    const query = filters();
    query.set("lang", R.language());
    const response = await fetch(`${API}/exports/certifications.xlsx?${query}`, { headers: R.credentialHeaders("GET", state.token), cache: "no-store" });
    if (!response.ok) {
      $("expiring-count").textContent = t("renewals.export.failed", { status: response.status });
      $("expiring-count").className = "status failure";
      return;
    }
    const scope = state.district || (state.caller.role === "bureau" ? state.caller.districts.join("-") : "all");
    const link = h("a", { href: URL.createObjectURL(await response.blob()), download: `expiring-${state.end}-${scope}.xlsx` });
    document.body.append(link);
    link.click();
    link.remove();
  }

  function bind() {
    if (state.bound) return;
    state.bound = true;
    $("expiring-district").addEventListener("change", (event) => {
      state.district = event.target.value;
      load(1);
    });
    $("expiring-prev").addEventListener("click", () => load(state.answer.pagination.page - 1));
    $("expiring-next").addEventListener("click", () => load(state.answer.pagination.page + 1));
    $("expiring-export").addEventListener("click", download);
    R.onLanguageChange(() => {
      if (state.caller) render();
    });
  }

  /** Show the list for the workbench's caller ({role, districts}, as GET /me told the
      workbench). `call`: the workbench's request; `token`: its token (null for a person signed
      in); `tiers`, `districts`: the catalog by key; `openFirm(code)`: show a firm. */
  function open({ call, token, caller, tiers, districts, openFirm }) {
    Object.assign(state, { call, token, caller, tiers, districts, openFirm, district: "", kind: "primary", answer: null });
    state.end = yearEnd(R.zoneDay());
    bind();
    $("expiring-slot").hidden = false;
    renderFilters();
    load(1);
  }

  /** Read the page shown again, after a write of the workbench's (a revocation, a title, a
      list) may have changed what ends this year. */
  function refresh() {
    if (state.caller && state.answer) load(state.answer.pagination.page);
  }

  return { open, refresh };
})();

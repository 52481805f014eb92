/* The progress dashboard: /dashboard#token=…&year=2024[&poll=10][&lang=en][&plan=…].

   Each poll asks for the city-wide progress with If-None-Match. Every aggregate's ETag follows
   the registry's version (and the day), so a 304 there means nothing changed anywhere: the
   districts and the monthly counts are fetched again only when it answers 200. */
"use strict";

(() => {
  const R = Registry;
  const API = "/api/v1";
  const TOKEN_KEY = "registry.dashboard.token";
  const POLL_SECONDS = 10;
  const POLL_MIN_SECONDS = 2;
  const PACE_SYMBOL = { achieved: "✓", ahead: "▲", on_track: "●", behind: "▼" };

  R.addStrings({
    zh: {
      "dashboard.title": "梯度培育进度看板",
      "dashboard.heading": "梯度培育进度看板",
      "dashboard.signin": "输入看板令牌",
      "dashboard.signin.hint":
        "看板、区县工信部门或管理员令牌。大屏可用一个链接打开：/dashboard#token=…&year=2024（令牌在 # 之后，不会发送到服务器）。",
      "dashboard.year": "计划年度",
      "dashboard.year.option": "{year} 年",
      "dashboard.targets": "目标完成情况",
      "dashboard.legend.achieved": "已完成",
      "dashboard.legend.expected": "按时间进度应完成",
      "dashboard.legend.pace": "✓ 已完成 · ▲ 超前 · ● 正常（与应完成相差 10% 以内）· ▼ 落后",
      "dashboard.kind.annual": "{year} 年新增",
      "dashboard.kind.cumulative": "{year} 年末累计",
      "dashboard.kind.by_plan_end": "到 {end} 年末",
      "dashboard.pace.achieved": "已完成",
      "dashboard.pace.ahead": "超前",
      "dashboard.pace.on_track": "正常",
      "dashboard.pace.behind": "落后",
      "dashboard.figures.achieved": "已完成",
      "dashboard.figures.target": "目标",
      "dashboard.figures.completion": "完成率",
      "dashboard.figures.expected": "应完成",
      "dashboard.figures.remaining": "尚差",
      "dashboard.unit": "家",
      "dashboard.meter":
        "{tier}：已完成 {achieved} 家，目标 {target} 家，完成率 {completion}，按时间进度应完成 {expected} 家，{pace}",
      "dashboard.districts": "各县（市、区）完成情况",
      "dashboard.districts.caption": "各区县完成数；括号内为占全市目标的比例",
      "dashboard.districts.district": "县（市、区）",
      "dashboard.districts.total": "全市",
      "dashboard.months": "按月认定数",
      "dashboard.months.caption": "{year} 年度名单中的认定，按公布月份统计（含复核）；共 {total} 项。",
      "dashboard.months.table": "按层级的数据表",
      "dashboard.months.month": "月份",
      "dashboard.months.total": "合计",
      "dashboard.months.label": "{month}月",
      "dashboard.months.other_year": "{year}年{month}月",
      "dashboard.freshness": "统计截至 {as_of} · {time} 更新",
      "dashboard.stale": "⚠ {error}（显示的是 {time} 的数据）",
      "dashboard.loading": "正在加载…",
      "dashboard.no_plan": "尚未载入任何规划。",
      "dashboard.error.forbidden": "此令牌无权查看看板：需要看板、区县工信部门或管理员令牌。",
    },
    en: {
      "dashboard.title": "Cultivation progress dashboard",
      "dashboard.heading": "Cultivation progress dashboard",
      "dashboard.signin": "Enter a dashboard token",
      "dashboard.signin.hint":
        "A dashboard, bureau or admin token. A screen can be set up with one link: /dashboard#token=…&year=2024 (after the #, the token is never sent to the server).",
      "dashboard.year": "Plan year",
      "dashboard.year.option": "{year}",
      "dashboard.targets": "Targets",
      "dashboard.legend.achieved": "Achieved",
      "dashboard.legend.expected": "Expected by now (pro rata)",
      "dashboard.legend.pace": "✓ achieved · ▲ ahead · ● on track (within 10 % of expected) · ▼ behind",
      "dashboard.kind.annual": "new in {year}",
      "dashboard.kind.cumulative": "held at the end of {year}",
      "dashboard.kind.by_plan_end": "by the end of {end}",
      "dashboard.pace.achieved": "Achieved",
      "dashboard.pace.ahead": "Ahead",
      "dashboard.pace.on_track": "On track",
      "dashboard.pace.behind": "Behind",
      "dashboard.figures.achieved": "achieved",
      "dashboard.figures.target": "target",
      "dashboard.figures.completion": "completion",
      "dashboard.figures.expected": "expected",
      "dashboard.figures.remaining": "remaining",
      "dashboard.unit": "",
      "dashboard.meter":
        "{tier}: {achieved} achieved of a target of {target}, {completion}; {expected} expected by now; {pace}",
      "dashboard.districts": "By county, city and district",
      "dashboard.districts.caption": "Achieved per district; in brackets, the share of the city's target",
      "dashboard.districts.district": "District",
      "dashboard.districts.total": "City",
      "dashboard.months": "Certifications by month",
      "dashboard.months.caption":
        "Certifications of the {year} lists, by month announced (renewals included); {total} in all.",
      "dashboard.months.table": "Data table by tier",
      "dashboard.months.month": "Month",
      "dashboard.months.total": "Total",
      "dashboard.months.label": "{name}",
      "dashboard.months.other_year": "{name} {year}",
      "dashboard.freshness": "As of {as_of} · updated {time}",
      "dashboard.stale": "⚠ {error} (showing the data of {time})",
      "dashboard.loading": "Loading…",
      "dashboard.no_plan": "No plan is loaded.",
      "dashboard.error.forbidden":
        "This token may not read the dashboard: a dashboard, bureau or admin token is needed.",
    },
  });

  const $ = (id) => document.getElementById(id);
  const h = R.h;
  const t = R.t;
  const cache = new Map(); // url -> {etag, body}
  const state = {
    token: null,
    plan: null,
    tiers: new Map(),
    districts: [],
    year: null,
    city: null,
    byDistrict: new Map(),
    months: null,
    updatedAt: null,
    error: null,
    timer: null,
    generation: 0, // bumped when the year changes or the viewer signs out
    pollSeconds: POLL_SECONDS,
  };

  // ---------------------------------------------------------------------------------------
  // Data

  function progressUrl(year, district) {
    const query = new URLSearchParams();
    if (year) query.set("year", year);
    if (district) query.set("district", district);
    const text = query.toString();
    return `${API}/plans/${encodeURIComponent(state.plan.id)}/progress${text ? "?" + text : ""}`;
  }

  function statsUrl(year) {
    return `${API}/stats/certifications?group_by=month,tier&year=${year}`;
  }

  async function loadCatalog() {
    const [plans, tiers, districts] = await Promise.all([
      R.getJSON(`${API}/plans`),
      R.getJSON(`${API}/tiers`),
      R.getJSON(`${API}/districts`),
    ]);
    const wanted = R.fragment().get("plan");
    state.plan = plans.body.find((plan) => plan.id === wanted) || plans.body[0] || null;
    for (const tier of tiers.body) state.tiers.set(tier.key, tier);
    state.districts = districts.body;
  }

  async function poll() {
    const generation = state.generation;
    const options = { token: state.token, cache };
    try {
      if (!state.year) {
        // The plan year the API means by default: this one, within the plan.
        const first = await R.getJSON(progressUrl(null), options);
        if (generation !== state.generation) return;
        setYear(first.body.year);
      }
      const city = await R.getJSON(progressUrl(state.year), options);
      if (generation !== state.generation) return;
      if (city.changed || !state.city) {
        const [districts, months] = await Promise.all([
          Promise.all(
            state.districts.map((d) => R.getJSON(progressUrl(state.year, d.code), options)),
          ),
          R.getJSON(statsUrl(state.year), options),
        ]);
        if (generation !== state.generation) return;
        state.city = city.body;
        state.byDistrict = new Map(state.districts.map((d, i) => [d.code, districts[i].body]));
        state.months = months.body;
        render();
      }
      state.updatedAt = new Date();
      state.error = null;
    } catch (error) {
      if (generation !== state.generation) return;
      if (error.status === 401) return signOut(t("common.error.token"));
      if (error.status === 403) return signOut(t("dashboard.error.forbidden"));
      state.error = error instanceof R.HttpError ? error : new R.HttpError(0, null);
    }
    renderFreshness();
    $("board").removeAttribute("aria-busy");
    state.timer = setTimeout(poll, state.pollSeconds * 1000);
  }

  function restart() {
    state.generation += 1;
    clearTimeout(state.timer);
    state.city = null;
    $("board").setAttribute("aria-busy", "true");
    poll();
  }

  // ---------------------------------------------------------------------------------------
  // Sign-in and controls

  function signIn(token) {
    state.token = token;
    sessionStorage.setItem(TOKEN_KEY, token);
    $("signin").hidden = true;
    $("board").hidden = false;
    $("token-error").textContent = "";
    restart();
  }

  function signOut(message) {
    state.generation += 1;
    clearTimeout(state.timer);
    state.token = null;
    state.city = null;
    cache.clear();
    sessionStorage.removeItem(TOKEN_KEY);
    $("board").hidden = true;
    $("signin").hidden = false;
    $("token-error").textContent = message || "";
    const input = $("token-input");
    input.value = "";
    input.setAttribute("aria-invalid", message ? "true" : "false");
    input.focus();
  }

  function setYear(year) {
    state.year = Number(year);
    const params = R.fragment();
    params.set("year", state.year);
    R.setFragment(params);
    $("year-select").value = String(state.year);
  }

  function renderYearOptions() {
    const select = $("year-select");
    select.replaceChildren(
      ...state.plan.years.map((year) =>
        h("option", { value: year }, t("dashboard.year.option", { year })),
      ),
    );
    if (state.year) select.value = String(state.year);
  }

  // ---------------------------------------------------------------------------------------
  // Rendering: numbers are written in place, the page is never reloaded

  function render() {
    if (!state.city) return;
    renderTargets();
    renderDistricts();
    renderMonths();
  }

  function targetKey(row) {
    return row.key || `${row.kind}:${row.tier}`;
  }

  // A designation by its catalog label; a measure by the plan's wording.
  function rowLabel(row) {
    const tier = state.tiers.get(row.tier);
    if (tier) return R.tierLabel(tier);
    return (R.language() === "zh" ? row.label_zh : row.label_en) || row.label_zh || row.key;
  }

  function unitText(row) {
    if (!row.measure) return t("dashboard.unit");
    return R.language() === "zh" ? row.unit_zh : "";
  }

  function kindText(row) {
    return t(`dashboard.kind.${row.kind}`, { year: state.city.year, end: row.year });
  }

  function paceText(pace) {
    return `${PACE_SYMBOL[pace]} ${t(`dashboard.pace.${pace}`)}`;
  }

  function newTargetItem(key) {
    const fill = h("div", { class: "bar-fill" });
    const expected = h("div", { class: "bar-expected" });
    return h(
      "li",
      { class: "target", dataset: { key } },
      h(
        "div",
        { class: "target-head" },
        h("h3", { class: "target-name" }, h("span", { class: "tier" }), " ", h("span", { class: "kind" })),
        h("p", { class: "pace" }),
      ),
      h("div", { class: "bar", role: "meter", "aria-valuemin": "0" }, fill, expected),
      h(
        "p",
        { class: "figures" },
        h("span", { class: "figure figure-main" },
          h("strong", { class: "achieved" }), " / ", h("span", { class: "target-value" }),
          h("span", { class: "unit" })),
        h("span", { class: "figure" }, h("span", { class: "label completion-label" }), " ",
          h("strong", { class: "completion" })),
        h("span", { class: "figure" }, h("span", { class: "label expected-label" }), " ",
          h("span", { class: "expected" })),
        h("span", { class: "figure" }, h("span", { class: "label remaining-label" }), " ",
          h("span", { class: "remaining" })),
      ),
    );
  }

  function renderTargets() {
    const list = $("targets");
    const existing = new Map([...list.children].map((item) => [item.dataset.key, item]));
    const items = state.city.targets.map((row) => {
      const key = targetKey(row);
      const item = existing.get(key) || newTargetItem(key);
      const q = (selector) => item.querySelector(selector);
      item.dataset.tier = row.tier || "";
      item.dataset.kind = row.kind;
      item.dataset.pace = row.pace;
      q(".tier").textContent = rowLabel(row);
      q(".kind").textContent = kindText(row);
      const pace = q(".pace");
      pace.className = `pace pace-${row.pace}`;
      pace.textContent = paceText(row.pace);
      q(".achieved").textContent = R.number(row.achieved);
      q(".target-value").textContent = R.number(row.target);
      q(".unit").textContent = unitText(row) ? ` ${unitText(row)}` : "";
      q(".completion-label").textContent = t("dashboard.figures.completion");
      q(".completion").textContent = R.percent(row.completion);
      q(".expected-label").textContent = t("dashboard.figures.expected");
      q(".expected").textContent = R.number(row.expected, 1);
      q(".remaining-label").textContent = t("dashboard.figures.remaining");
      q(".remaining").textContent = R.number(row.remaining);
      const bar = q(".bar");
      bar.className = `bar bar-${row.pace}`;
      bar.setAttribute("aria-valuemax", String(row.target));
      bar.setAttribute("aria-valuenow", String(row.achieved));
      bar.setAttribute(
        "aria-valuetext",
        t("dashboard.meter", {
          tier: rowLabel(row),
          achieved: R.number(row.achieved),
          target: R.number(row.target),
          completion: R.percent(row.completion),
          expected: R.number(row.expected, 1),
          pace: t(`dashboard.pace.${row.pace}`),
        }),
      );
      const share = (value) => `${Math.min(Math.max(value, 0), 1) * 100}%`;
      q(".bar-fill").style.width = share(row.target ? row.achieved / row.target : 1);
      q(".bar-expected").style.left = share(row.target ? row.expected / row.target : 1);
      return item;
    });
    list.replaceChildren(...items);
  }

  function districtCell(row) {
    if (!row) return h("td", {}, "–");
    return h(
      "td",
      { dataset: { key: targetKey(row), tier: row.tier, kind: row.kind, achieved: row.achieved } },
      h("span", { class: "count" }, R.number(row.achieved)),
      " ",
      h("span", { class: "share" }, `(${R.percent(row.completion)})`),
    );
  }

  function renderDistricts() {
    const table = $("district-table");
    // Designations only: figures of other measures are mostly the city's own.
    const targets = state.city.targets.filter((row) => row.tier);
    table.tHead.replaceChildren(
      h(
        "tr",
        {},
        h("th", { scope: "col" }, t("dashboard.districts.district")),
        targets.map((row) =>
          h(
            "th",
            { scope: "col", dataset: { key: targetKey(row), tier: row.tier, kind: row.kind } },
            rowLabel(row),
            h("span", { class: "col-kind" }, kindText(row)),
          ),
        ),
      ),
    );
    const body = state.districts.map((district) => {
      const progress = state.byDistrict.get(district.code);
      const rows = new Map((progress ? progress.targets : []).map((r) => [targetKey(r), r]));
      return h(
        "tr",
        { dataset: { district: district.code } },
        h("th", { scope: "row" }, R.districtName(district)),
        targets.map((row) => districtCell(rows.get(targetKey(row)))),
      );
    });
    table.tBodies[0].replaceChildren(...body);
    table.tFoot.replaceChildren(
      h(
        "tr",
        { dataset: { district: "city" } },
        h("th", { scope: "row" }, t("dashboard.districts.total")),
        targets.map((row) => districtCell(row)),
      ),
    );
  }

  function monthName(month) {
    const [year, number] = month.split("-").map(Number);
    const name = new Intl.DateTimeFormat("en", { month: "short", timeZone: "UTC" }).format(
      new Date(Date.UTC(year, number - 1, 1)),
    );
    const vars = { year, month: number, name };
    return year === state.city.year
      ? t("dashboard.months.label", vars)
      : t("dashboard.months.other_year", vars);
  }

  function monthRange(rows) {
    const year = state.city.year;
    let first = `${year}-01`;
    let last = `${year}-12`;
    for (const row of rows) {
      if (row.month < first) first = row.month;
      if (row.month > last) last = row.month;
    }
    const months = [];
    let [y, m] = first.split("-").map(Number);
    for (;;) {
      const month = `${y}-${String(m).padStart(2, "0")}`;
      months.push(month);
      if (month >= last) return months;
      m += 1;
      if (m > 12) [y, m] = [y + 1, 1];
    }
  }

  function renderMonths() {
    const rows = state.months.rows;
    const months = monthRange(rows);
    const totals = new Map(months.map((month) => [month, 0]));
    const byTier = new Map();
    for (const row of rows) {
      totals.set(row.month, (totals.get(row.month) || 0) + row.count);
      if (!byTier.has(row.tier)) byTier.set(row.tier, new Map());
      byTier.get(row.tier).set(row.month, row.count);
    }
    const highest = Math.max(1, ...totals.values());
    const total = [...totals.values()].reduce((a, b) => a + b, 0);
    $("month-chart").replaceChildren(
      ...months.map((month) => {
        const bar = h("span", { class: "month-bar" });
        bar.style.height = `${(totals.get(month) / highest) * 100}%`;
        return h(
          "li",
          { class: "month", dataset: { month, count: totals.get(month) } },
          // bottom to top on screen (column-reverse): the month, its bar, its count
          h("span", { class: "month-label" }, monthName(month)),
          h("span", { class: "month-track", "aria-hidden": "true" }, bar),
          " ",
          h("span", { class: "month-count" }, R.number(totals.get(month))),
        );
      }),
    );
    $("month-caption").textContent = t("dashboard.months.caption", {
      year: state.city.year,
      total: R.number(total),
    });
    const tiers = [...state.tiers.keys()].filter((key) => byTier.has(key));
    const table = $("month-table");
    table.tHead.replaceChildren(
      h(
        "tr",
        {},
        h("th", { scope: "col" }, t("dashboard.months.month")),
        tiers.map((key) => h("th", { scope: "col" }, R.tierLabel(state.tiers.get(key)))),
        h("th", { scope: "col" }, t("dashboard.months.total")),
      ),
    );
    table.tBodies[0].replaceChildren(
      ...months.map((month) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, month),
          tiers.map((key) => h("td", {}, R.number(byTier.get(key).get(month) || 0))),
          h("td", {}, R.number(totals.get(month))),
        ),
      ),
    );
  }

  function renderFreshness() {
    const line = $("freshness");
    if (!state.updatedAt) {
      line.textContent = state.error ? errorText(state.error) : t("dashboard.loading");
      return;
    }
    const time = state.updatedAt.toLocaleTimeString(R.language() === "zh" ? "zh-CN" : "en-GB");
    line.classList.toggle("stale", Boolean(state.error));
    line.textContent = state.error
      ? t("dashboard.stale", { error: errorText(state.error), time })
      : t("dashboard.freshness", { as_of: state.city ? state.city.as_of : "", time });
  }

  function errorText(error) {
    return error.status ? t("common.error.server", { status: error.status }) : t("common.error.network");
  }

  function renderPlanTitle() {
    if (!state.plan) return;
    $("plan-title").textContent =
      R.language() === "zh" ? state.plan.title_zh : state.plan.title_en || state.plan.title_zh;
  }

  // ---------------------------------------------------------------------------------------
  // Start

  async function main() {
    R.onLanguageChange(() => {
      if (!state.plan) return;
      renderPlanTitle();
      renderYearOptions();
      render();
      renderFreshness();
    });
    R.start();
    const params = R.fragment();
    const seconds = Number(params.get("poll"));
    if (seconds) state.pollSeconds = Math.max(POLL_MIN_SECONDS, seconds);
    const taken = R.takeFromFragment({ token: TOKEN_KEY });
    for (;;) {
      try {
        await loadCatalog();
        break;
      } catch (error) {
        $("plan-title").textContent = t("common.error.network");
        await new Promise((resolve) => setTimeout(resolve, POLL_SECONDS * 1000));
      }
    }
    if (!state.plan) {
      $("plan-title").textContent = t("dashboard.no_plan");
      return;
    }
    const year = Number(params.get("year"));
    if (state.plan.years.includes(year)) setYear(year);
    renderPlanTitle();
    renderYearOptions();

    $("year-select").addEventListener("change", (event) => {
      setYear(event.target.value);
      restart();
    });
    $("token-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const token = $("token-input").value.trim();
      if (!token) {
        $("token-error").textContent = t("common.error.required");
        $("token-input").setAttribute("aria-invalid", "true");
        return;
      }
      signIn(token);
    });
    $("signout").addEventListener("click", () => signOut(""));

    const token = taken.token || sessionStorage.getItem(TOKEN_KEY);
    if (token) signIn(token);
    else signOut("");
  }

  main();
})();

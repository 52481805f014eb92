/* The big screen: /dashboard#token=…&year=2024[&as_of=2024-09-30][&poll=10][&rotate=8][&lang=en].

   One screen, no scrolling, readable across a room: the SME tiers and 头雁 with their pace, the
   counties ranked, the trend of new titles by month over the plan's years against the pro-rata
   line (ECharts, SVG: every label is text), the other targets rotating by themselves (a wall
   screen cannot be clicked), and the titles expiring this year with the renewals so far; the
   funnel per tier (funnel.js) takes the trend's place in turn.

   Each poll is one conditional request (progress/districts, with If-None-Match); only when it
   answers 200 are the monthly statistics fetched again; then the funnel's (pipeline), alike. */
"use strict";

(() => {
  const R = Registry;
  const API = "/api/v1";
  const TOKEN_KEY = "registry.dashboard.token";
  const POLL_SECONDS = 10;
  const POLL_MIN_SECONDS = 2;
  const ROTATE_SECONDS = 8;
  const OTHERS_PER_PAGE = 6;
  const FUNNEL_TURNS = 2; // the funnel and the trend take turns, each for two pages of the others
  const PACE_SYMBOL = { achieved: "✓", ahead: "▲", on_track: "●", behind: "▼" };
  // After the plan's last year: each target's final result, no pace
  const RESULT_SYMBOL = { met: "✓", unmet: "✗" };
  // The plan's headline: the SME ladder and the 头雁 title (the plan's 优质企业培育工程).
  const HEADLINE_LADDERS = ["sme", "head_goose"];
  const NARROW = window.matchMedia("(max-width: 899px)");

  R.addStrings({
    zh: {
      "dashboard.title": "梯度培育进度看板",
      "dashboard.heading": "梯度培育进度看板",
      "dashboard.signin": "输入看板令牌",
      "dashboard.signin.hint":
        "看板、区县工信部门或管理员令牌。大屏可用一个链接打开：/dashboard#token=…&year=2024（令牌在 # 之后，不会发送到服务器）。",
      "dashboard.year": "计划年度",
      "dashboard.year.option": "{year} 年度",
      "dashboard.targets": "梯度培育目标",
      "dashboard.legend.pace": "✓ 已完成 · ▲ 超前 · ● 正常（与应完成相差 10% 以内）· ▼ 落后；竖线：按时间进度应完成",
      "dashboard.legend.final": "✓ 完成 · ✗ 未完成：规划期已结束，{year} 年度最终结果（截至 {year} 年末）",
      "dashboard.period.ended": "规划期（{first}—{last}年）已结束 · 最终结果",
      "dashboard.result.met": "完成",
      "dashboard.result.unmet": "未完成",
      "dashboard.kind.annual": "{year} 年新增",
      "dashboard.kind.cumulative": "{year} 年末累计",
      "dashboard.kind.toward": "到 {end} 年末",
      "dashboard.pace.achieved": "已完成",
      "dashboard.pace.ahead": "超前",
      "dashboard.pace.on_track": "正常",
      "dashboard.pace.behind": "落后",
      "dashboard.figures.completion": "完成率",
      "dashboard.figures.expected": "应完成",
      "dashboard.figures.remaining": "尚差",
      "dashboard.unit": "家",
      "dashboard.meter":
        "{tier}：已完成 {achieved}，目标 {target}，完成率 {completion}，按时间进度应完成 {expected}，{pace}",
      "dashboard.meter.final": "{tier}：最终完成 {achieved}，目标 {target}，完成率 {completion}，{result}",
      "dashboard.league": "各县（市、区）排名",
      "dashboard.league.caption.count": "按{target}数量排名；百分比为占全市的比例（规划未分解到县区，不设县区目标）",
      "dashboard.league.caption.allocated": "按{target}完成规划分解目标的比例排名",
      "dashboard.league.rank": "名次",
      "dashboard.league.district": "县（市、区）",
      "dashboard.league.share": "占全市 {share}",
      "dashboard.league.of": "{achieved} / {target}",
      "dashboard.trend": "{tier}：逐月累计新认定",
      "dashboard.trend.year": "{year} 年：{count} 家",
      "dashboard.trend.pace": "按时间进度（{target} 家/年）",
      "dashboard.trend.quota": "年度目标（{target} 家/年）",
      "dashboard.trend.month": "{month}月",
      "dashboard.trend.caption":
        "各年度名单中的新认定（不含复核），按公布月份累计；虚线为按时间进度应完成数。",
      "dashboard.trend.caption.final": "各年度名单中的新认定（不含复核），按公布月份累计；虚线为年度目标逐月均分。",
      "dashboard.trend.table": "{tier}逐月累计新认定（家）",
      "dashboard.others": "其他目标",
      "dashboard.others.page": "{page} / {pages}",
      "dashboard.expiry": "{year} 年到期及复核",
      "dashboard.expiry.row": "到期 {expiring} 家 · 已复核或晋级 {renewed} 家",
      "dashboard.expiry.none": "本年度无到期",
      "dashboard.expiry.days": "待复核 {open} 家 · {date}到期 · 剩 {days} 天",
      "dashboard.expiry.ended": "未复核 {open} 家 · 已于{date}到期",
      "dashboard.expiry.date": "{month}月{day}日",
      "dashboard.expiry.note":
        "有效期于本年度届满的称号；已复核含已通过复核或已晋升更高层级的企业（截至统计日）。",
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
      "dashboard.targets": "Cultivation targets",
      "dashboard.legend.pace":
        "✓ achieved · ▲ ahead · ● on track (within 10 % of expected) · ▼ behind; mark: expected by now",
      "dashboard.legend.final": "✓ met · ✗ not met: the plan has ended; final results of {year} (at the end of {year})",
      "dashboard.period.ended": "The plan ({first}–{last}) has ended · final results",
      "dashboard.result.met": "Met",
      "dashboard.result.unmet": "Not met",
      "dashboard.kind.annual": "new in {year}",
      "dashboard.kind.cumulative": "held at the end of {year}",
      "dashboard.kind.toward": "by the end of {end}",
      "dashboard.pace.achieved": "Achieved",
      "dashboard.pace.ahead": "Ahead",
      "dashboard.pace.on_track": "On track",
      "dashboard.pace.behind": "Behind",
      "dashboard.figures.completion": "done",
      "dashboard.figures.expected": "expected",
      "dashboard.figures.remaining": "to go",
      "dashboard.unit": "",
      "dashboard.meter":
        "{tier}: {achieved} achieved of a target of {target}, {completion}; {expected} expected by now; {pace}",
      "dashboard.meter.final": "{tier}: {achieved} achieved in the end of a target of {target}, {completion}; {result}",
      "dashboard.league": "Counties, cities and districts ranked",
      "dashboard.league.caption.count":
        "Ranked by {target}; percentages are shares of the city (the plan sets no district targets)",
      "dashboard.league.caption.allocated": "Ranked by completion of each district's {target} allocation",
      "dashboard.league.rank": "Rank",
      "dashboard.league.district": "District",
      "dashboard.league.share": "{share} of city",
      "dashboard.league.of": "{achieved} / {target}",
      "dashboard.trend": "{tier}: new titles, cumulative by month",
      "dashboard.trend.year": "{year}: {count}",
      "dashboard.trend.pace": "pro rata ({target} a year)",
      "dashboard.trend.quota": "yearly target ({target} a year)",
      "dashboard.trend.month": "{name}",
      "dashboard.trend.caption":
        "New titles of each year's lists (no renewals), cumulative by month announced; dashed: expected pro rata.",
      "dashboard.trend.caption.final":
        "New titles of each year's lists (no renewals), cumulative by month announced; dashed: the yearly target spread over its months.",
      "dashboard.trend.table": "{tier}: new titles, cumulative by month",
      "dashboard.others": "Other targets",
      "dashboard.others.page": "{page} / {pages}",
      "dashboard.expiry": "Expiring in {year}, and renewed",
      "dashboard.expiry.row": "{expiring} expiring · {renewed} renewed or outranked",
      "dashboard.expiry.none": "none expiring this year",
      "dashboard.expiry.days": "{open} to renew · ending {date} · {days} days left",
      "dashboard.expiry.ended": "{open} not renewed · ended {date}",
      "dashboard.expiry.date": "{name} {day}",
      "dashboard.expiry.note":
        "Titles ending this year; renewed: renewed (复核) or outranked by a higher title, as of the day shown.",
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
    districts: new Map(),
    year: null,
    asOf: null, // a day to replay (`as_of` in the fragment); default: today
    board: null, // the progress/districts answer
    stats: null, // certifications by year, tier, month and renewal
    updatedAt: null,
    error: null,
    timer: null,
    rotation: null,
    page: 0,
    chart: null,
    generation: 0, // bumped when the year changes or the viewer signs out
    pollSeconds: POLL_SECONDS,
    rotateSeconds: ROTATE_SECONDS,
    pipeline: null, // the pipeline answer (the funnel), null while the registry has none
    pinned: null, // `panel=funnel|trend` in the fragment: that panel only, no turns
    funnelShown: false,
    turns: 0,
  };

  // ---------------------------------------------------------------------------------------
  // Data

  function boardUrl(year) {
    const query = new URLSearchParams();
    if (year) query.set("year", year);
    if (state.asOf) query.set("as_of", state.asOf);
    const text = query.toString();
    const plan = encodeURIComponent(state.plan.id);
    return `${API}/plans/${plan}/progress/districts${text ? "?" + text : ""}`;
  }

  function statsUrl() {
    // by status too: a revoked title counts nowhere, in the trend as on the cards
    const query = new URLSearchParams({ group_by: "year,tier,month,renewal,status" });
    if (state.asOf) query.set("as_of", state.asOf);
    return `${API}/stats/certifications?${query}`;
  }

  function pipelineUrl(year) {
    const query = new URLSearchParams({ year });
    if (state.asOf) query.set("as_of", state.asOf);
    return `${API}/plans/${encodeURIComponent(state.plan.id)}/pipeline?${query}`;
  }

  /** The funnel's answer, one conditional request a poll as progress: a failure leaves the
      screen as it is (the trend alone when there is no answer). */
  async function pollPipeline(generation, options) {
    try {
      const answer = await R.getJSON(pipelineUrl(state.year), options);
      if (generation !== state.generation) return;
      if (answer.changed || !state.pipeline) {
        state.pipeline = answer.body;
        renderFunnel();
      }
    } catch (error) {
      if (error.status === 404 || error.status === 403) state.pipeline = null;
    }
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
    for (const district of districts.body) state.districts.set(district.code, district);
  }

  async function poll() {
    const generation = state.generation;
    const options = { token: state.token, cache };
    try {
      const board = await R.getJSON(boardUrl(state.year), options);
      if (generation !== state.generation) return;
      if (!state.year) setYear(board.body.year);
      if (board.changed || !state.board) {
        const stats = await R.getJSON(statsUrl(), options);
        if (generation !== state.generation) return;
        state.board = board.body;
        state.stats = stats.body;
        render();
      }
      await pollPipeline(generation, options);
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
    state.board = null;
    state.pipeline = null;
    $("board").setAttribute("aria-busy", "true");
    poll();
  }

  // ---------------------------------------------------------------------------------------
  // Sign-in and controls

  function showBoard(shown) {
    $("board").hidden = !shown;
    $("screen-controls").hidden = !shown;
    $("signin").hidden = shown;
  }

  function signIn(token) {
    state.token = token;
    sessionStorage.setItem(TOKEN_KEY, token);
    showBoard(true);
    $("token-error").textContent = "";
    restart();
  }

  function signOut(message) {
    state.generation += 1;
    clearTimeout(state.timer);
    state.token = null;
    state.board = null;
    cache.clear();
    sessionStorage.removeItem(TOKEN_KEY);
    showBoard(false);
    R.askForToken(message);
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
    if (!state.board) return;
    renderPeriod();
    renderHeadline();
    renderLeague();
    renderTrend();
    renderOthers();
    renderExpiry();
    renderFunnel();
  }

  function isHeadline(row) {
    const tier = state.tiers.get(row.tier);
    return Boolean(tier && HEADLINE_LADDERS.includes(tier.ladder));
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
    if (row.kind !== "annual" && row.year !== state.board.year) {
      return t("dashboard.kind.toward", { end: row.year });
    }
    if (row.kind === "by_plan_end") return t("dashboard.kind.toward", { end: row.year });
    return t(`dashboard.kind.${row.kind}`, { year: state.board.year });
  }

  function paceText(pace) {
    return `${PACE_SYMBOL[pace]} ${t(`dashboard.pace.${pace}`)}`;
  }

  /** After the plan's last year (the answer's `period`): final results, no pace. */
  function ended() {
    return Boolean(state.board && state.board.period === "ended");
  }

  // A stock for a later year shown in an earlier year's view (头雁 by 2025 in 2023) is that
  // year's figure: its result is the later year's, shown there.
  function result(row) {
    if (row.year && state.board && row.year > state.board.year) return "later";
    const met = row.met ?? row.pace === "achieved";
    return met ? "met" : "unmet";
  }

  function resultText(row) {
    const outcome = result(row);
    return outcome === "later" ? "" : `${RESULT_SYMBOL[outcome]} ${t(`dashboard.result.${outcome}`)}`;
  }

  function meterText(row) {
    const values = {
      tier: rowLabel(row),
      achieved: R.number(row.achieved, 2),
      target: R.number(row.target),
      completion: R.percent(row.completion),
    };
    if (ended()) return t("dashboard.meter.final", { ...values, result: resultText(row) });
    return t("dashboard.meter", {
      ...values,
      expected: R.number(row.expected, 1),
      pace: t(`dashboard.pace.${row.pace}`),
    });
  }

  /** The line under the bar: completion, and while the plan runs what is expected and to go. */
  function cardNumbers(row) {
    const figure = (key, className, value) =>
      h("span", {}, `${t(`dashboard.figures.${key}`)} `, h("b", { class: className }, value));
    const completion = figure("completion", "completion", R.percent(row.completion));
    if (ended()) return h("p", { class: "card-numbers" }, completion);
    return h(
      "p",
      { class: "card-numbers" },
      completion,
      figure("expected", "expected", R.number(row.expected, 1)),
      figure("remaining", "remaining", R.number(row.remaining, 2)),
    );
  }

  const ratio = (value) => `${Math.min(Math.max(value, 0), 1) * 100}%`;

  /** A target as a card: name, big figure, a bar with the expected mark, pace in words; once
      the plan has ended, the final result (完成 / 未完成) and no mark. */
  function targetCard(row, className) {
    const final = ended();
    const status = final ? `result-${result(row)}` : `pace-${row.pace}`;
    const bar = h(
      "div",
      {
        class: `bar bar-${final ? { met: "achieved", unmet: "behind", later: "later" }[result(row)] : row.pace}`,
        role: "meter",
        "aria-valuemin": "0",
        "aria-valuemax": String(row.target),
        "aria-valuenow": String(row.achieved),
        "aria-valuetext": meterText(row),
      },
      h("div", { class: "bar-fill" }),
      final ? null : h("div", { class: "bar-expected" }),
    );
    bar.firstChild.style.width = ratio(row.target ? row.achieved / row.target : 1);
    if (!final) bar.lastChild.style.left = ratio(row.target ? row.expected / row.target : 1);
    const unit = unitText(row);
    const data = { key: row.key, tier: row.tier || "", kind: row.kind, pace: row.pace };
    if (final) data.result = result(row);
    return h(
      "li",
      { class: `card ${className}`, dataset: data },
      h(
        "div",
        { class: "card-head" },
        // the whole name on hover and to readers, when a long one is clipped to its lines
        h("h3", { class: "card-name", title: rowLabel(row) }, h("span", { class: "tier" }, rowLabel(row))),
        h("p", { class: `pace ${status}` }, final ? resultText(row) : paceText(row.pace)),
      ),
      h(
        "div",
        { class: "card-line" },
        h(
          "p",
          { class: "card-figure" },
          h("strong", { class: "achieved" }, R.number(row.achieved, 2)),
          h("span", { class: "of" }, " / "),
          h("span", { class: "target-value" }, R.number(row.target)),
          unit ? h("span", { class: "unit" }, ` ${unit}`) : null,
        ),
        h("p", { class: "card-kind kind" }, kindText(row)),
      ),
      bar,
      cardNumbers(row),
    );
  }

  function renderHeadline() {
    const rows = state.board.targets.filter(isHeadline);
    $("targets").replaceChildren(...rows.map((row) => targetCard(row, "tier-card")));
    const legend = $("pace-legend");
    legend.textContent = ended()
      ? t("dashboard.legend.final", { year: state.board.year })
      : t("dashboard.legend.pace");
    legend.dataset.period = state.board.period || "running";
  }

  function renderPeriod() {
    const banner = $("period-banner");
    const years = state.plan.years;
    banner.hidden = !ended();
    banner.textContent = ended()
      ? t("dashboard.period.ended", { first: years[0], last: years[years.length - 1] })
      : "";
  }

  // The county league: ranked by the first headline target (by completion of the district's
  // allocation where the plan divides it, else by count, shown as a share of the city).
  function leagueRanking() {
    const headline = state.board.targets.filter(isHeadline);
    const lead = headline[0];
    const rows = state.board.districts.map((district) => {
      const cells = new Map(district.targets.map((cell) => [cell.key, cell]));
      return { code: district.district, cells, lead: cells.get(lead.key) };
    });
    const score = (row) => (row.lead.allocated ? row.lead.completion : row.lead.achieved);
    rows.sort((a, b) => score(b) - score(a) || b.lead.achieved - a.lead.achieved || a.code.localeCompare(b.code));
    let rank = 0;
    rows.forEach((row, i) => {
      if (i === 0 || score(row) !== score(rows[i - 1])) rank = i + 1;
      row.rank = rank;
    });
    return { headline, lead, rows };
  }

  function leagueCell(row, cell, lead) {
    if (!cell) return h("td", {}, "–");
    const data = { key: row.key, achieved: cell.achieved };
    if (cell.allocated) {
      return h(
        "td",
        { dataset: { ...data, pace: cell.pace } },
        h("span", { class: "count" }, t("dashboard.league.of", { achieved: R.number(cell.achieved), target: R.number(cell.target) })),
        " ",
        ended()
          ? h("span", { class: `pace result-${result(cell)}` }, RESULT_SYMBOL[result(cell)])
          : h("span", { class: `pace pace-${cell.pace}` }, PACE_SYMBOL[cell.pace]),
        lead ? h("span", { class: "share" }, R.percent(cell.completion)) : null,
      );
    }
    const share = cell.share === null ? "–" : R.percent(cell.share);
    const td = h(
      "td",
      { dataset: data },
      h("span", { class: "count" }, R.number(cell.achieved)),
      lead ? h("span", { class: "share" }, t("dashboard.league.share", { share })) : null,
    );
    if (lead) {
      const meter = h("span", { class: "share-bar", "aria-hidden": "true" }, h("span", {}));
      meter.firstChild.style.width = ratio(cell.share || 0);
      td.append(meter);
    }
    return td;
  }

  // A long name (the zones' English ones) kept to two lines; whole on hover and to readers.
  function leagueName(code) {
    const name = R.districtName(state.districts.get(code) || { name_zh: code, name_en: code });
    return h("th", { scope: "row", title: name }, h("span", { class: "name" }, name));
  }

  function renderLeague() {
    const { headline, lead, rows } = leagueRanking();
    const table = $("league-table");
    const caption = lead.allocated ? "dashboard.league.caption.allocated" : "dashboard.league.caption.count";
    $("league-caption").textContent = t(caption, { target: rowLabel(lead) });
    table.tHead.replaceChildren(
      h(
        "tr",
        {},
        h("th", { scope: "col", class: "rank" }, t("dashboard.league.rank")),
        h("th", { scope: "col" }, t("dashboard.league.district")),
        headline.map((row) =>
          h("th", { scope: "col", dataset: { key: row.key } }, rowLabel(row), h("span", { class: "col-kind" }, kindText(row))),
        ),
      ),
    );
    table.tBodies[0].replaceChildren(
      ...rows.map((row) =>
        h(
          "tr",
          { dataset: { district: row.code, rank: row.rank } },
          h("td", { class: "rank" }, String(row.rank)),
          leagueName(row.code),
          headline.map((target, i) => leagueCell(target, row.cells.get(target.key), i === 0)),
        ),
      ),
    );
  }

  // The trend: cumulative new titles of the lead annual target's tier, by month, per plan year.
  function trendSeries() {
    const lead = state.board.targets.find((row) => isHeadline(row) && row.kind === "annual");
    const years = state.plan.years;
    const counts = new Map(years.map((year) => [year, new Array(12).fill(0)]));
    for (const row of state.stats.rows) {
      if (row.tier !== lead.tier || row.renewal || row.status === "revoked" || !counts.has(row.year)) continue;
      const [y, m] = row.month.split("-").map(Number);
      // a list of the year announced before or after it counts at the year's start or end
      const index = y < row.year ? 0 : y > row.year ? 11 : m - 1;
      counts.get(row.year)[index] += row.count;
    }
    const asOf = new Date((state.board.as_of || "") + "T00:00:00");
    const series = years.map((year) => {
      let total = 0;
      const points = counts.get(year).map((n) => (total += n));
      // the current year's line stops at this month; a year not begun has none
      const last = asOf.getFullYear() === year ? asOf.getMonth() : asOf.getFullYear() > year ? 11 : -1;
      return { year, points: points.map((value, i) => (i <= last ? value : null)) };
    });
    return { lead, series };
  }

  function monthName(month) {
    const name = new Intl.DateTimeFormat("en", { month: "short", timeZone: "UTC" }).format(
      new Date(Date.UTC(2000, month - 1, 1)),
    );
    return t("dashboard.trend.month", { month, name });
  }

  const YEAR_COLOURS = ["#7aa7d9", "#52d6c4", "#ffd25e", "#ff9f7a", "#c49bff"];

  function renderTrend() {
    const { lead, series } = trendSeries();
    const label = rowLabel(lead);
    $("trend-heading").textContent = t("dashboard.trend", { tier: label });
    $("trend-caption").textContent = t(ended() ? "dashboard.trend.caption.final" : "dashboard.trend.caption");
    const months = Array.from({ length: 12 }, (_, i) => monthName(i + 1));
    const quota = lead.target;
    const paceName = t(ended() ? "dashboard.trend.quota" : "dashboard.trend.pace", { target: R.number(quota) });
    renderTrendTable(label, months, series, quota);
    if (!window.echarts) return; // the table above still carries every figure
    const node = $("trend-chart");
    if (!state.chart) {
      state.chart = window.echarts.init(node, null, { renderer: "svg" });
      // not while the funnel has its place (no size): it is resized when shown again
      new ResizeObserver(() => node.clientWidth && state.chart.resize()).observe(node);
    }
    const size = parseFloat(getComputedStyle(node).fontSize) || 16;
    const text = getComputedStyle(document.body).color;
    const lines = series.map((s, i) => {
      const current = s.year === state.board.year;
      const last = s.points.filter((value) => value !== null).pop();
      return {
        // the legend names each year with its count so far: readable text, no label to overlap
        name: t("dashboard.trend.year", { year: s.year, count: R.number(last ?? 0) }),
        type: "line",
        data: s.points,
        symbol: "circle",
        symbolSize: current ? size * 0.55 : size * 0.35,
        lineStyle: { width: current ? size * 0.28 : size * 0.14, color: YEAR_COLOURS[i % YEAR_COLOURS.length] },
        itemStyle: { color: YEAR_COLOURS[i % YEAR_COLOURS.length] },
        z: current ? 3 : 2,
        animation: false,
      };
    });
    lines.push({
      name: paceName,
      type: "line",
      data: months.map((_, i) => Math.round((quota * (i + 1)) / 12)),
      symbol: "none",
      lineStyle: { type: "dashed", width: size * 0.12, color: "#e8eef7" },
      itemStyle: { color: "#e8eef7" },
      z: 1,
      animation: false,
    });
    state.chart.setOption(
      {
        aria: { enabled: true },
        textStyle: { fontFamily: getComputedStyle(document.body).fontFamily, color: text },
        grid: { left: size * 3.2, right: size * 1.5, top: size * 2.6, bottom: size * 2 },
        legend: {
          top: 0,
          textStyle: { color: text, fontSize: size * 0.9 },
          itemWidth: size * 1.6,
          itemHeight: size * 0.6,
        },
        xAxis: {
          type: "category",
          data: months,
          boundaryGap: false,
          axisLabel: { color: text, fontSize: size * 0.9 },
          axisLine: { lineStyle: { color: "#5d7ea6" } },
        },
        yAxis: {
          type: "value",
          // no "0" at the corner, where it would sit on the first month's name
          axisLabel: { color: text, fontSize: size * 0.9, showMinLabel: false },
          splitLine: { lineStyle: { color: "rgba(120, 160, 210, 0.18)" } },
        },
        series: lines,
      },
      { notMerge: true },
    );
  }

  function renderTrendTable(label, months, series, quota) {
    const table = $("trend-table");
    $("trend-table-caption").textContent = t("dashboard.trend.table", { tier: label });
    table.tHead.replaceChildren(
      h("tr", {}, h("th", { scope: "col" }, ""), series.map((s) => h("th", { scope: "col" }, String(s.year))), h("th", { scope: "col" }, t(ended() ? "dashboard.trend.quota" : "dashboard.trend.pace", { target: R.number(quota) }))),
    );
    table.tBodies[0].replaceChildren(
      ...months.map((month, i) =>
        h(
          "tr",
          { dataset: { month: i + 1 } },
          h("th", { scope: "row" }, month),
          series.map((s) => h("td", { dataset: { year: s.year } }, s.points[i] === null ? "–" : R.number(s.points[i]))),
          h("td", {}, R.number(Math.round((quota * (i + 1)) / 12))),
        ),
      ),
    );
  }

  // The other targets, a page at a time, turning by themselves.
  function otherRows() {
    return state.board.targets.filter((row) => !isHeadline(row));
  }

  function pageCount() {
    if (NARROW.matches) return 1;
    return Math.max(1, Math.ceil(otherRows().length / OTHERS_PER_PAGE));
  }

  function renderOthers() {
    const rows = otherRows();
    const pages = pageCount();
    state.page %= pages;
    const shown = pages === 1 ? rows : rows.slice(state.page * OTHERS_PER_PAGE, (state.page + 1) * OTHERS_PER_PAGE);
    const list = $("others");
    list.dataset.page = String(state.page + 1);
    list.replaceChildren(...shown.map((row) => targetCard(row, "other-card")));
    $("others-page").textContent = pages > 1 ? t("dashboard.others.page", { page: state.page + 1, pages }) : "";
  }

  function rotate() {
    if (state.board) {
      state.page = (state.page + 1) % pageCount();
      renderOthers();
    }
    state.turns += 1;
    if (!state.pinned && state.turns % FUNNEL_TURNS === 0) showFunnel(!state.funnelShown);
    state.rotation = setTimeout(rotate, state.rotateSeconds * 1000);
  }

  // The funnel, in turn with the trend (or alone, pinned by `panel=funnel`); a phone, which
  // scrolls, shows both.
  function showFunnel(shown) {
    state.funnelShown = Boolean(shown && state.pipeline);
    const both = NARROW.matches && Boolean(state.pipeline);
    $("funnel-panel").hidden = !(state.funnelShown || both);
    $("trend-panel").hidden = state.funnelShown && !both;
    // drawn at its size before anything else can see it
    if (!$("trend-panel").hidden && state.chart) state.chart.resize();
  }

  function renderFunnel() {
    if (state.pipeline) Funnel.render(state.pipeline, state.tiers);
    if (state.pinned) showFunnel(state.pinned === "funnel");
    else showFunnel(state.funnelShown);
  }

  /** Titles ending in the calendar year (the answer's `renewal_year`, whatever plan year is
      shown), and how many are renewed (复核) or outranked so far, per SME tier: the registry's
      own count (the progress answer's `renewals`), with the last day they end and the days left. */
  function expiringThisYear() {
    const counts = new Map((state.board.renewals || []).map((row) => [row.tier, row]));
    const tiers = [...state.tiers.values()].filter((tier) => tier.ladder === HEADLINE_LADDERS[0]);
    return tiers.map((tier) => {
      const row = counts.get(tier.key) || { expiring: 0, renewed_or_superseded: 0 };
      return { ...row, tier, renewed: row.renewed_or_superseded };
    });
  }

  function dayText(iso) {
    const [, month, day] = iso.split("-").map(Number);
    const name = new Intl.DateTimeFormat("en", { month: "short", timeZone: "UTC" }).format(new Date(Date.UTC(2000, month - 1, 1)));
    return t("dashboard.expiry.date", { month, day, name });
  }

  function daysText(row) {
    if (!row.expiring || !row.ends_on) return "";
    const date = dayText(row.ends_on);
    const open = R.number(row.open ?? row.expiring - row.renewed);
    if (row.days_left > 0) return t("dashboard.expiry.days", { open, date, days: R.number(row.days_left) });
    return t("dashboard.expiry.ended", { open, date });
  }

  function renderExpiry() {
    const year = state.board.renewal_year ?? state.board.year;
    $("expiry-heading").textContent = t("dashboard.expiry", { year });
    $("expiry-panel").dataset.year = String(year);
    $("expiry").replaceChildren(
      ...expiringThisYear().map((row) => {
        const { tier, expiring, renewed } = row;
        const meter = h("span", { class: "share-bar", "aria-hidden": "true" }, h("span", {}));
        meter.firstChild.style.width = ratio(expiring ? renewed / expiring : 0);
        const days = daysText(row);
        return h(
          "li",
          { class: "expiry-item", dataset: { tier: tier.key, expiring, renewed, daysLeft: row.days_left ?? "" } },
          h("span", { class: "expiry-tier" }, R.tierLabel(tier)),
          h("span", { class: "expiry-figures" }, expiring ? t("dashboard.expiry.row", { expiring: R.number(expiring), renewed: R.number(renewed) }) : t("dashboard.expiry.none")),
          days ? h("span", { class: "expiry-days" }, days) : null,
          h("span", { class: "expiry-share" }, expiring ? R.percent(renewed / expiring) : ""),
          meter,
        );
      }),
    );
    $("expiry-note").textContent = t("dashboard.expiry.note");
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
      : t("dashboard.freshness", { as_of: state.board ? state.board.as_of : "", time });
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
    const turn = Number(params.get("rotate"));
    if (turn) state.rotateSeconds = Math.max(1, turn);
    if (/^\d{4}-\d{2}-\d{2}$/.test(params.get("as_of") || "")) state.asOf = params.get("as_of");
    if (["funnel", "trend"].includes(params.get("panel"))) state.pinned = params.get("panel");
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
    NARROW.addEventListener("change", () => {
      if (state.board) renderOthers();
      showFunnel(state.funnelShown);
    });
    state.rotation = setTimeout(rotate, state.rotateSeconds * 1000);

    const token = taken.token || sessionStorage.getItem(TOKEN_KEY);
    const person = token ? null : await R.whoAmI();
    if (token) signIn(token);
    else if (person && person.must_change_password) location.assign("/login#change");
    else if (person) signedInAs();
    else signOut("");
  }

  /** A person signed in (a viewer, a clerk, an admin): the board with their session's cookie;
      an unattended screen keeps its token (it has nobody to sign in). */
  function signedInAs() {
    state.token = null;
    $("signout").hidden = true; // the header's 退出登录 signs a person out
    showBoard(true);
    restart();
  }

  main();
})();

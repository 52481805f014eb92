/* The big screen's funnel: per tier of the plan's headline (the SME ladder and 头雁), the open
   applications at each stage (培育库 → 已申报 → 县级推荐 → 市级审核 → 公示) and the titles
   certified against the quota, with the forecast (expected, and its 90 % range) and a mark when
   the expected count falls short of the quota. Drawn as HTML bars (every figure is text), from
   the pipeline answer (GET /plans/{plan}/pipeline) the screen polls beside progress; the screen
   (dashboard.js) shows this panel in turn with the trend. */
"use strict";

const Funnel = (() => {
  const R = Registry;
  const STAGES = ["candidate", "applied", "recommended", "reviewed", "publicized"];
  const LADDERS = ["sme", "head_goose"];
  const MAX_TIERS = 4;

  R.addStrings({
    zh: {
      "funnel.heading": "{year} 年度培育进度：申报到认定",
      "funnel.col.tier": "层级",
      "funnel.stage.candidate": "培育库",
      "funnel.stage.applied": "已申报",
      "funnel.stage.recommended": "县级推荐",
      "funnel.stage.reviewed": "市级审核",
      "funnel.stage.publicized": "公示",
      "funnel.stage.certified": "已认定 / 目标",
      "funnel.certified": "{certified} / {quota}",
      "funnel.forecast": "预计完成 {expected} 家（{low}—{high}）/ 目标 {quota} 家",
      "funnel.forecast.no_quota": "预计完成 {expected} 家（{low}—{high}）",
      "funnel.forecast.exact": "预计完成 {expected} 家 / 目标 {quota} 家",
      "funnel.forecast.exact.no_quota": "预计完成 {expected} 家",
      "funnel.forecast.none": "往年无可比数据，暂不预测",
      "funnel.at_risk": "▼ 有风险",
      "funnel.on_track": "✓ 可望完成",
      "funnel.empty": "本年度尚无申报记录",
      "funnel.note": "各阶段为在办申报数；预计按往年各阶段的认定比例推算，括号内为 90% 区间。",
    },
    en: {
      "funnel.heading": "{year}: from application to title",
      "funnel.col.tier": "Tier",
      "funnel.stage.candidate": "Pool",
      "funnel.stage.applied": "Applied",
      "funnel.stage.recommended": "County",
      "funnel.stage.reviewed": "City",
      "funnel.stage.publicized": "Publicized",
      "funnel.stage.certified": "Titles / quota",
      "funnel.certified": "{certified} / {quota}",
      "funnel.forecast": "Expected {expected} ({low}–{high}) / quota {quota}",
      "funnel.forecast.no_quota": "Expected {expected} ({low}–{high})",
      "funnel.forecast.exact": "Expected {expected} / quota {quota}",
      "funnel.forecast.exact.no_quota": "Expected {expected}",
      "funnel.forecast.none": "No earlier years to forecast from",
      "funnel.at_risk": "▼ At risk",
      "funnel.on_track": "✓ On course",
      "funnel.empty": "No application recorded this year",
      "funnel.note": "Open applications at each stage; expected from earlier years' share certified at each stage, 90 % range in brackets.",
    },
  });

  const h = R.h;
  const t = R.t;

  /** The tiers the screen shows: the headline ladders' tiers the plans count (at most four). */
  function shownTiers(answer, tiers) {
    return answer.tiers
      .filter((row) => {
        const tier = tiers.get(row.tier);
        return tier && LADDERS.includes(tier.ladder) && tier.has_quota;
      })
      .slice(0, MAX_TIERS);
  }

  function bar(share) {
    const outer = h("span", { class: "funnel-bar", "aria-hidden": "true" }, h("span", {}));
    outer.firstChild.style.width = `${Math.round(Math.max(0, Math.min(1, share)) * 1000) / 10}%`;
    return outer;
  }

  function forecastText(row) {
    const forecast = row.forecast;
    if (!forecast) {
      const reason = R.language() === "zh" ? row.forecast_reason_zh : row.forecast_reason_en;
      return reason || t("funnel.forecast.none");
    }
    const figures = { expected: R.number(forecast.expected), low: R.number(forecast.low), high: R.number(forecast.high) };
    // no range to give when nothing is open (low = high)
    const key = figures.low === figures.high ? "funnel.forecast.exact" : "funnel.forecast";
    if (row.quota == null) return t(`${key}.no_quota`, figures);
    return t(key, { ...figures, quota: R.number(row.quota) });
  }

  function riskMark(row) {
    if (row.at_risk == null) return null;
    return h("span", { class: `funnel-risk ${row.at_risk ? "at-risk" : "on-course"}` }, t(row.at_risk ? "funnel.at_risk" : "funnel.on_track"));
  }

  function tierRows(row, tiers) {
    const counts = STAGES.map((stage) => (row.stages && row.stages[stage]) || 0);
    // the stages against each other (a funnel); the titles against the quota
    const widest = Math.max(1, ...counts);
    const head = h(
      "tr",
      { class: "funnel-tier", dataset: { tier: row.tier, atRisk: row.at_risk == null ? "" : String(row.at_risk) } },
      h(
        "th",
        { scope: "rowgroup", colspan: String(STAGES.length + 1) },
        h("span", { class: "funnel-name" }, R.tierLabel(tiers.get(row.tier)) || row.tier),
        h("span", { class: "funnel-forecast", dataset: { expected: row.forecast ? row.forecast.expected : "" } }, forecastText(row), riskMark(row)),
      ),
    );
    const cells = counts.map((n, i) =>
      h("td", { class: "funnel-stage", dataset: { stage: STAGES[i], n } }, h("span", { class: "funnel-n" }, R.number(n)), bar(n / widest)),
    );
    const quota = row.quota == null ? "—" : R.number(row.quota);
    cells.push(
      h(
        "td",
        { class: "funnel-stage funnel-certified", dataset: { stage: "certified", n: row.certified, quota: row.quota ?? "" } },
        h("span", { class: "funnel-n" }, t("funnel.certified", { certified: R.number(row.certified), quota })),
        bar(row.quota ? row.certified / row.quota : 0),
      ),
    );
    return [head, h("tr", { class: "funnel-counts", dataset: { tier: row.tier } }, cells)];
  }

  /** Draw `answer` (the pipeline answer) in the panel; `tiers`: the catalog by key. */
  function render(answer, tiers) {
    const $ = (id) => document.getElementById(id);
    $("funnel-heading").textContent = t("funnel.heading", { year: answer.year });
    const rows = shownTiers(answer, tiers);
    const table = $("funnel-table");
    table.tHead.replaceChildren(
      h("tr", {}, ...[...STAGES, "certified"].map((stage) => h("th", { scope: "col", dataset: { stage } }, t(`funnel.stage.${stage}`)))),
    );
    table.replaceChildren(table.tHead, ...rows.map((row) => h("tbody", { dataset: { tier: row.tier } }, ...tierRows(row, tiers))));
    $("funnel-empty").hidden = rows.some((row) => row.certified || STAGES.some((stage) => row.stages && row.stages[stage]));
    $("funnel-empty").textContent = t("funnel.empty");
    $("funnel-note").textContent = t("funnel.note");
  }

  return { render };
})();

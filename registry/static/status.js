/* An enterprise's own status: /status, or /status#code=…&token=… (the fragment never reaches
   the server). Current tier, the ladder and the next tier, the next step the server derives
   (next_step: barred after a revocation, renew before the title ends, apply again after it
   ended, the top tier, the next tier; with the firm's bureau), each certification newest first
   with its validity and the days left; its open applications, each at its stage since its last
   move. */
"use strict";

(() => {
  const R = Registry;
  const API = "/api/v1";
  const TOKEN_KEY = "registry.status.token";
  const CODE_KEY = "registry.status.code";
  const STATUS_SYMBOL = { active: "✓", expired: "○", revoked: "✕" };

  R.addStrings({
    zh: {
      "status.title": "企业梯度培育状态",
      "status.heading": "企业梯度培育状态",
      "status.signin": "查询本企业状态",
      "status.signin.hint": "令牌由所在县（市、区）工信部门发放，只能查看本企业。",
      "status.code": "统一社会信用代码",
      "status.code_label": "统一社会信用代码：",
      "status.token": "企业令牌",
      "status.submit": "查询",
      "status.signout": "退出",
      "status.current": "当前层级",
      "status.next": "下一层级",
      "status.designations": "其他称号",
      "status.ladder": "培育梯度",
      "status.certifications": "认定记录",
      "status.col.tier": "层级",
      "status.col.year": "年度",
      "status.col.certified_on": "公布日期",
      "status.col.valid_until": "有效期至",
      "status.col.status": "状态",
      "status.col.days": "距到期",
      "status.none": "尚未认定",
      "status.no_designations": "无",
      "status.top": "已是梯度最高层级",
      "status.next.requirement": "申报条件：持有有效的“{tier}”认定",
      "status.expires": "当前层级认定 {days} 天后到期（{date}）",
      "status.renewal": "复核",
      "status.status.active": "有效",
      "status.status.expired": "已过期",
      "status.status.revoked": "已撤销",
      "status.days": "{days} 天",
      "status.soon": "即将到期",
      "status.step.held": "✓ 已达到",
      "status.step.current": "★ 当前",
      "status.step.next": "→ 下一步",
      "status.step.later": "未达到",
      "status.empty": "暂无认定记录。",
      "status.error.required": "请填写企业令牌（区县工信部门查看某一企业时，另填统一社会信用代码）。",
      "status.error.forbidden": "此令牌不属于该企业。",
      "status.error.not_found": "未找到该企业。",
      "status.error.invalid": "信用代码格式不正确：{detail}",
      "status.advice": "下一步",
      "status.next.barred": "撤销之日起三年内不得申报",
      "status.next.barred_until": "{date} 起可再次申报",
      "status.step.barred": "✕ 暂停申报",
      "status.revoked_on": "{date} 撤销",
      "status.revoked_reason": "原因：{reason}",
      "status.advice.barred.title": "✕ 认定已撤销，暂不能申报",
      "status.advice.barred.revoked": "“{tier}”认定已于 {date} 撤销。",
      "status.advice.barred.reason": "撤销原因：{reason}",
      "status.advice.barred.no_reason": "撤销原因：未记录",
      "status.advice.barred.bar": "撤销之日起三年内不得再次申报，可于 {date} 起再次申报。",
      "status.advice.renew.title": "⚠ 请在到期前申请复核",
      "status.advice.renew.ends": "“{tier}”认定将于 {date} 到期（还有 {days} 天）。",
      "status.advice.renew.action": "请于 {date} 前向{bureau}申请复核。",
      "status.advice.renew.season": "具体申报时间以当年复核工作通知为准。",
      "status.advice.reapply.title": "○ 认定已到期",
      "status.advice.reapply.ended": "“{tier}”认定已于 {date} 到期，现已失效。",
      "status.advice.reapply.action": "如需再次获得认定，须按新申报企业重新申报“{apply}”，请向{bureau}咨询。",
      "status.advice.top_tier.title": "★ 已是梯度培育最高层级",
      "status.advice.top_tier.held": "本企业持有“{tier}”认定，是梯度培育的最高层级，没有更高的层级可申报。",
      "status.advice.top_tier.until": "认定有效期至 {date}（还有 {days} 天），到期前请向{bureau}申请复核。",
      "status.advice.apply_next_tier.title": "→ 可申报下一层级",
      "status.advice.apply_next_tier.action": "可申报“{tier}”，请向{bureau}咨询申报事宜。",
      "status.applications": "在办申报",
      "status.application": "{year} 年度 {tier}{batch} · {stage}（{since} 起）",
      "status.application.batch": "（{batch}）",
    },
    en: {
      "status.title": "Enterprise cultivation status",
      "status.heading": "Enterprise cultivation status",
      "status.signin": "Look up your enterprise",
      "status.signin.hint":
        "Your district's industry bureau issues the token; it reads your own enterprise only.",
      "status.code": "Unified social credit code",
      "status.code_label": "Unified social credit code: ",
      "status.token": "Enterprise token",
      "status.submit": "Look up",
      "status.signout": "Sign out",
      "status.current": "Current tier",
      "status.next": "Next tier",
      "status.designations": "Other titles",
      "status.ladder": "Cultivation ladder",
      "status.certifications": "Certifications",
      "status.col.tier": "Tier",
      "status.col.year": "Year",
      "status.col.certified_on": "Announced",
      "status.col.valid_until": "Valid until",
      "status.col.status": "Status",
      "status.col.days": "Days left",
      "status.none": "Not yet certified",
      "status.no_designations": "None",
      "status.top": "The top of the ladder",
      "status.next.requirement": "Requires an active “{tier}” certification",
      "status.expires": "The current tier expires in {days} days ({date})",
      "status.renewal": "renewal",
      "status.status.active": "Active",
      "status.status.expired": "Expired",
      "status.status.revoked": "Revoked",
      "status.days": "{days} days",
      "status.soon": "expires soon",
      "status.step.held": "✓ held",
      "status.step.current": "★ current",
      "status.step.next": "→ next",
      "status.step.later": "not yet",
      "status.empty": "No certifications yet.",
      "status.error.required": "Enter the enterprise's token (a bureau looking at one firm: its credit code too).",
      "status.error.forbidden": "This token belongs to another enterprise.",
      "status.error.not_found": "No such enterprise.",
      "status.error.invalid": "The credit code is not valid: {detail}",
      "status.advice": "Next step",
      "status.next.barred": "No application within three years of the revocation",
      "status.next.barred_until": "may apply again from {date}",
      "status.step.barred": "✕ barred",
      "status.revoked_on": "revoked on {date}",
      "status.revoked_reason": "reason: {reason}",
      "status.advice.barred.title": "✕ A title was revoked: no application for now",
      "status.advice.barred.revoked": "The {tier} title was revoked on {date}.",
      "status.advice.barred.reason": "Reason: {reason}",
      "status.advice.barred.no_reason": "Reason: not recorded",
      "status.advice.barred.bar":
        "No application within three years of the revocation; the firm may apply again from {date}.",
      "status.advice.renew.title": "⚠ Apply for renewal review (复核) before the title ends",
      "status.advice.renew.ends": "The {tier} title ends on {date} ({days} days left).",
      "status.advice.renew.action": "Apply to {bureau} for its renewal review (复核) before {date}.",
      "status.advice.renew.season": "The year's renewal notice sets the exact application dates.",
      "status.advice.reapply.title": "○ The title has ended",
      "status.advice.reapply.ended": "The {tier} title ended on {date} and no longer applies.",
      "status.advice.reapply.action":
        "To hold it again, apply as a new applicant for {apply}; ask {bureau}.",
      "status.advice.top_tier.title": "★ The top of the ladder",
      "status.advice.top_tier.held":
        "The firm holds the {tier} title, the top of the cultivation ladder: there is no higher tier to apply for.",
      "status.advice.top_tier.until":
        "It is valid until {date} ({days} days left); apply to {bureau} for its renewal review (复核) before then.",
      "status.advice.apply_next_tier.title": "→ The next tier",
      "status.advice.apply_next_tier.action": "The firm may apply for {tier}; ask {bureau}.",
      "status.applications": "Applications under way",
      "status.application": "{tier}, {year}{batch} · {stage} (since {since})",
      "status.application.batch": " ({batch})",
    },
  });

  const $ = (id) => document.getElementById(id);
  const h = R.h;
  const t = R.t;
  const state = { tiers: new Map(), stages: new Map(), status: null };

  function label(key) {
    return R.tierLabel(state.tiers.get(key)) || key;
  }

  function ladder() {
    return [...state.tiers.values()]
      .filter((tier) => tier.ladder === "sme")
      .sort((a, b) => a.rank - b.rank);
  }

  /** The firm an enterprise token belongs to (GET /me); other tokens name a firm by its code. */
  async function lookUpMine(token) {
    try {
      const { body } = await R.getJSON(`${API}/me`, { token });
      if (body.status) return show(body.status, token, body.status.credit_code);
      showForm(t("status.error.required"), "code-input");
    } catch (error) {
      refused(error);
    }
  }

  async function lookUp(code, token) {
    const url = `${API}/enterprises/${encodeURIComponent(code)}/status`;
    try {
      const { body } = await R.getJSON(url, { token });
      show(body, token, code);
    } catch (error) {
      refused(error);
    }
  }

  function show(body, token, code) {
    sessionStorage.setItem(CODE_KEY, code);
    sessionStorage.setItem(TOKEN_KEY, token);
    state.status = body;
    render();
    $("signin").hidden = true;
    $("result").hidden = false;
    $("firm-name").setAttribute("tabindex", "-1");
    $("firm-name").focus();
  }

  function refused(error) {
    const messages = {
      401: () => t("common.error.token"),
      403: () => t("status.error.forbidden"),
      404: () => t("status.error.not_found"),
      422: () => t("status.error.invalid", { detail: (error.problem && error.problem.detail) || "" }),
    };
    const message = (messages[error.status] || (() => t("common.error.network")))();
    showForm(message, error.status === 401 ? "token-input" : "code-input");
  }

  function showForm(message, invalidField) {
    state.status = null;
    $("result").hidden = true;
    $("signin").hidden = false;
    $("form-error").textContent = message || "";
    for (const id of ["code-input", "token-input"]) {
      $(id).setAttribute("aria-invalid", id === invalidField ? "true" : "false");
    }
    if (invalidField) $(invalidField).focus();
  }

  function render() {
    const status = state.status;
    if (!status) return;
    $("firm-name").textContent = status.name;
    $("firm-code").textContent = status.credit_code;

    const current = $("current-tier");
    // The server judges expiry (services/titles.py): a title nothing takes over, ending soon.
    const held = status.certifications.find((c) => c.tier === status.current_tier && c.expiring);
    current.replaceChildren(
      h("strong", { class: "tier-name" }, status.current_tier ? label(status.current_tier) : t("status.none")),
      ...(held
        ? [h("span", { class: "note warning" }, "⚠ ", t("status.expires", { days: held.days_to_expiry, date: held.valid_until }))]
        : []),
    );

    renderNextTier(status);

    $("designations").textContent = status.designations.length
      ? status.designations.map(label).join(R.language() === "zh" ? "、" : ", ")
      : t("status.no_designations");

    renderApplications(status);
    renderAdvice(status);
    renderLadder(status);
    renderCertifications(status);
  }

  function stageLabel(key) {
    const stage = state.stages.get(key);
    if (!stage) return key;
    return R.language() === "zh" ? stage.label_zh : stage.label_en;
  }

  /** The firm's open applications, under its titles: 「2026 年度 专精特新中小企业 · 市级审核（2026-05-10 起）」. */
  function renderApplications(status) {
    const open = status.applications || [];
    $("applications").hidden = open.length === 0;
    $("application-list").replaceChildren(
      ...open.map((a) =>
        h(
          "li",
          { dataset: { tier: a.tier, stage: a.stage, id: String(a.id) } },
          t("status.application", {
            year: a.year,
            tier: label(a.tier),
            batch: a.batch ? t("status.application.batch", { batch: a.batch }) : "",
            stage: stageLabel(a.stage),
            since: a.since || "—",
          }),
        ),
      ),
    );
  }

  function barred(status) {
    return Boolean(status.next_step && status.next_step.kind === "barred");
  }

  /** The next tier, but none while a revocation bars the firm. */
  function renderNextTier(status) {
    if (barred(status)) {
      $("next-tier").replaceChildren(
        h("strong", { class: "tier-name barred" }, t("status.next.barred")),
        h("span", { class: "note" }, t("status.next.barred_until", { date: status.next_step.barred_until })),
      );
      return;
    }
    const next = status.next_tier ? state.tiers.get(status.next_tier) : null;
    $("next-tier").replaceChildren(
      status.next_tier
        ? h("strong", { class: "tier-name" }, label(status.next_tier))
        : h("span", {}, t("status.top")),
      ...(next && next.prerequisite
        ? [h("span", { class: "note" }, t("status.next.requirement", { tier: label(next.prerequisite) }))]
        : []),
    );
  }

  function bureauName(bureau) {
    return R.language() === "zh" ? bureau.name_zh : bureau.name_en;
  }

  /** The sentences of each kind of next step (the server's next_step). */
  const ADVICE = {
    barred: (step) => [
      t("status.advice.barred.revoked", { tier: label(step.tier), date: step.revoked_on }),
      step.reason && step.reason.trim() && step.reason.trim() !== "—"
        ? t("status.advice.barred.reason", { reason: step.reason.trim() })
        : t("status.advice.barred.no_reason"),
      t("status.advice.barred.bar", { date: step.barred_until }),
    ],
    renew: (step, bureau) => [
      t("status.advice.renew.ends", { tier: label(step.tier), date: step.renew_by, days: R.number(step.days_left) }),
      t("status.advice.renew.action", { date: step.renew_by, bureau }),
      t("status.advice.renew.season"),
    ],
    reapply: (step, bureau) => [
      t("status.advice.reapply.ended", { tier: label(step.tier), date: step.expired_on }),
      t("status.advice.reapply.action", { apply: label(step.apply_for), bureau }),
    ],
    top_tier: (step, bureau) => [
      t("status.advice.top_tier.held", { tier: label(step.tier) }),
      t("status.advice.top_tier.until", { date: step.valid_until, days: R.number(step.days_left), bureau }),
    ],
    apply_next_tier: (step, bureau) => [
      t("status.advice.apply_next_tier.action", { tier: label(step.apply_for), bureau }),
    ],
  };

  function renderAdvice(status) {
    const step = status.next_step;
    $("advice").hidden = !step;
    if (!step) return;
    $("advice").className = `advice advice-${step.kind}`;
    $("advice").dataset.kind = step.kind;
    $("advice-title").textContent = t(`status.advice.${step.kind}.title`);
    const sentences = ADVICE[step.kind](step, bureauName(step.bureau));
    $("advice-body").replaceChildren(...sentences.map((text) => h("p", {}, text)));
  }

  function renderLadder(status) {
    const steps = ladder();
    const currentRank = status.current_tier ? state.tiers.get(status.current_tier).rank : 0;
    $("ladder").replaceChildren(
      ...steps.map((tier) => {
        let step = "later";
        if (tier.key === status.current_tier) step = "current";
        else if (tier.key === status.next_tier) step = barred(status) ? "barred" : "next";
        else if (tier.rank < currentRank) step = "held";
        return h(
          "li",
          {
            class: `step step-${step}`,
            dataset: { tier: tier.key, step },
            "aria-current": step === "current" ? "step" : null,
          },
          h("span", { class: "step-name" }, label(tier.key)),
          h("span", { class: "step-state" }, t(`status.step.${step}`)),
        );
      }),
    );
  }

  function renderCertifications(status) {
    const body = $("certs").tBodies[0];
    if (!status.certifications.length) {
      body.replaceChildren(h("tr", {}, h("td", { colspan: "6" }, t("status.empty"))));
      return;
    }
    body.replaceChildren(
      ...status.certifications.map((c) => {
        // Flagged by the server: ending soon, and no renewal nor a higher title takes over.
        const soon = c.expiring;
        return h(
          "tr",
          { dataset: { tier: c.tier, status: c.status } },
          h(
            "th",
            { scope: "row" },
            label(c.tier),
            c.renewal ? h("span", { class: "tag" }, t("status.renewal")) : null,
          ),
          h(
            "td",
            { class: `cert-status status-${c.status}` },
            `${STATUS_SYMBOL[c.status]} ${t(`status.status.${c.status}`)}`,
            c.status === "revoked" ? revocation(c) : null,
          ),
          h("td", {}, c.valid_until),
          h(
            "td",
            { class: soon ? "days warning" : "days" },
            c.days_to_expiry === null
              ? "—"
              : t("status.days", { days: R.number(c.days_to_expiry) }),
            soon ? h("span", { class: "note" }, `⚠ ${t("status.soon")}`) : null,
          ),
          h("td", {}, String(c.year)),
          h("td", {}, c.certified_on),
        );
      }),
    );
  }

  /** A revoked title's day and reason, under its status. */
  function revocation(cert) {
    const reason = (cert.revocation_reason || "").trim();
    return h(
      "span",
      { class: "note revocation" },
      t("status.revoked_on", { date: cert.revoked_on }),
      reason && reason !== "—" ? ` · ${t("status.revoked_reason", { reason })}` : "",
    );
  }

  async function main() {
    R.onLanguageChange(render);
    R.start();
    const taken = R.takeFromFragment({ token: TOKEN_KEY, code: CODE_KEY });
    try {
      const [tiers, stages] = await Promise.all([R.getJSON(`${API}/tiers`), R.getJSON(`${API}/stages`)]);
      for (const tier of tiers.body) state.tiers.set(tier.key, tier);
      for (const stage of stages.body) state.stages.set(stage.key, stage);
    } catch (_) {
      showForm(t("common.error.network"), null);
    }
    $("status-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const code = $("code-input").value.trim().toUpperCase();
      const token = $("token-input").value.trim();
      if (!token) {
        showForm(t("status.error.required"), "token-input");
        return;
      }
      if (code) lookUp(code, token);
      else lookUpMine(token);
    });
    $("signout").addEventListener("click", () => {
      sessionStorage.removeItem(TOKEN_KEY);
      $("token-input").value = "";
      showForm("", "token-input");
    });
    const code = taken.code || sessionStorage.getItem(CODE_KEY);
    const token = taken.token || sessionStorage.getItem(TOKEN_KEY);
    if (code) $("code-input").value = code;
    if (code && token) lookUp(code, token);
    else if (token) lookUpMine(token);
    else showForm("", null);
  }

  main();
})();

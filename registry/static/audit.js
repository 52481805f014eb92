/* The audit trail for the auditor (and the admin): every write and every sign-in, oldest first,
   a page at a time; sign-ins and accounts alone on request. Nothing here can change it. */
"use strict";

(() => {
  const R = Registry;
  const API = "/api/v1";
  const PAGE = 200;

  R.addStrings({
    zh: {
      "audit.title": "审计记录",
      "audit.heading": "审计记录",
      "audit.subtitle": "系统的每一次写入和每一次登录，按时间顺序；记录不可修改或删除。",
      "audit.trail": "记录",
      "audit.kind": "显示",
      "audit.kind.all": "全部记录",
      "audit.kind.people": "登录与账号",
      "audit.kind.sign_ins": "登录与退出",
      "audit.kind.applications": "申报",
      "audit.col.at": "时间（北京时间）",
      "audit.col.who": "操作人",
      "audit.col.action": "操作",
      "audit.col.subject": "对象",
      "audit.col.address": "地址",
      "audit.col.request": "请求编号",
      "audit.more": "更多",
      "audit.refused": "审计记录由审计管理员或系统管理员查看，请用相应账号登录。",
    },
    en: {
      "audit.title": "Audit trail",
      "audit.heading": "Audit trail",
      "audit.subtitle": "Every write and every sign-in, oldest first; nothing can change or delete them.",
      "audit.trail": "Events",
      "audit.kind": "Show",
      "audit.kind.all": "every event",
      "audit.kind.people": "sign-ins and accounts",
      "audit.kind.sign_ins": "signing in and out",
      "audit.kind.applications": "applications",
      "audit.col.at": "Time (Beijing)",
      "audit.col.who": "Who",
      "audit.col.action": "Action",
      "audit.col.subject": "Subject",
      "audit.col.address": "Address",
      "audit.col.request": "Request id",
      "audit.more": "More",
      "audit.refused": "The audit trail is the auditor's and the administrator's: sign in with such an account.",
    },
  });

  const $ = (id) => document.getElementById(id);
  const h = R.h;
  const t = R.t;
  const state = { after: 0, events: [], asked: 0 };

  function who(event) {
    const login = event.actor_login ? ` (${event.actor_login})` : "";
    return `${event.actor_name}${login} · ${event.actor_role}`;
  }

  /** The next page of events; `fresh`: from the first, for the filter chosen. Only the answer
      to the latest request is shown (choosing another filter while one is read drops it). */
  async function more(fresh) {
    if (fresh) {
      state.after = 0;
      state.events = [];
    }
    const asked = ++state.asked;
    const kind = $("audit-kind").value;
    const query = new URLSearchParams({ after: state.after, limit: PAGE });
    if (kind) query.set("action", kind);
    let page;
    try {
      page = (await R.getJSON(`${API}/events?${query}`)).body;
    } catch (error) {
      return refuse();
    }
    if (asked !== state.asked) return;
    state.events.push(...page.items);
    render();
    state.after = page.next_after;
    $("audit-more").hidden = page.items.length < PAGE;
  }

  /** The events read so far: times in the registry's time zone, actions in words (code beside). */
  function render() {
    $("audit-table").tBodies[0].replaceChildren(
      ...state.events.map((event) =>
        h(
          "tr",
          { dataset: { action: event.action } },
          h("td", {}, R.localTime(event.at, { seconds: true })),
          h("td", {}, who(event)),
          h("td", {}, R.actionWords(event.action, { coded: true })),
          h("td", {}, event.subject),
          h("td", {}, (event.data && event.data.address) || ""),
          h("td", {}, event.request_id || ""),
        ),
      ),
    );
  }

  function refuse() {
    $("audit-refused").textContent = t("audit.refused");
    $("audit-refused").hidden = false;
    $("audit-panel").hidden = true;
  }

  async function main() {
    R.start();
    const user = await R.whoAmI();
    if (!user) return location.assign("/login?next=/audit");
    if (user.must_change_password) return location.assign("/login#change");
    if (!["auditor", "admin"].includes(user.role)) return refuse();
    $("audit-panel").hidden = false;
    $("audit-kind").addEventListener("change", () => more(true));
    $("audit-more").addEventListener("click", () => more(false));
    R.onLanguageChange(render);
    await more(true);
  }

  main();
})();

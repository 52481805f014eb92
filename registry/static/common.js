/* Shared by the pages: Chinese first with English available; who is signed in (a person's
   session cookie, with the CSRF token its writes carry), shown in the header with a sign-out
   button; or a machine's token from the URL fragment or a form (kept in sessionStorage, never
   sent anywhere but the API's Authorization header); conditional GETs, and a small DOM helper
   that only ever sets text (no HTML from data). */
"use strict";

const Registry = (() => {
  const strings = {
    zh: {
      "common.skip": "跳到主要内容",
      "common.brand": "新乡市优质企业梯度培育",
      "common.nav": "页面",
      "common.nav.dashboard": "进度看板",
      "common.nav.workbench": "工作台",
      "common.nav.status": "企业状态",
      "common.nav.docs": "API 文档",
      "common.noscript": "此页面需要启用 JavaScript。",
      "common.token": "令牌",
      "common.show": "查看",
      "common.change_token": "更换令牌",
      "common.switch_language": "English",
      "common.error.network": "无法连接服务器，稍后自动重试。",
      "common.error.server": "服务器出错（{status}），稍后自动重试。",
      "common.error.token": "令牌无效或已撤销，请重新输入。",
      "common.error.required": "请输入令牌。",
      "common.nav.login": "登录",
      "common.nav.users": "用户管理",
      "common.nav.audit": "审计记录",
      "common.signed_in_as": "{name}（{role}）",
      "common.sign_out": "退出登录",
      "common.sign_in_instead": "工作人员请用账号登录",
      "common.role.admin": "系统管理员",
      "common.role.bureau": "区县工信部门",
      "common.role.viewer": "查看人员",
      "common.role.auditor": "审计管理员",
      "action.coded": "{words}（{code}）",
      "action.enterprise.registered": "登记企业",
      "action.enterprise.updated": "更正企业信息",
      "action.enterprise.name_remembered": "记住名单所印名称",
      "action.certification.recorded": "认定",
      "action.certification.revoked": "撤销认定",
      "action.application.created": "登记申报",
      "action.application.moved": "变更申报阶段",
      "action.import.row": "导入名单：认定",
      "action.figure.recorded": "录入统计数",
      "action.catalog.loaded": "载入目录",
      "action.plan.loaded": "载入规划",
      "action.demo_data.generated": "生成演示数据",
      "action.token.created": "发放令牌",
      "action.token.revoked": "撤销令牌",
      "action.user.created": "新建账号",
      "action.user.updated": "修改账号",
      "action.user.signed_in": "登录",
      "action.user.signed_out": "退出登录",
      "action.user.sign_in_failed": "登录失败",
      "action.user.locked": "账号锁定",
      "action.user.unlocked": "解除锁定",
      "action.user.password_changed": "修改密码",
      "action.user.password_reset": "重置密码",
    },
    en: {
      "common.skip": "Skip to the main content",
      "common.brand": "Xinxiang quality enterprise cultivation",
      "common.nav": "Pages",
      "common.nav.dashboard": "Progress dashboard",
      "common.nav.workbench": "Workbench",
      "common.nav.status": "Enterprise status",
      "common.nav.docs": "API docs",
      "common.noscript": "This page needs JavaScript.",
      "common.token": "Token",
      "common.show": "Show",
      "common.change_token": "Change token",
      "common.switch_language": "中文",
      "common.error.network": "Cannot reach the server; retrying shortly.",
      "common.error.server": "Server error ({status}); retrying shortly.",
      "common.error.token": "The token is not valid or has been revoked; enter it again.",
      "common.error.required": "Enter a token.",
      "common.nav.login": "Sign in",
      "common.nav.users": "Users",
      "common.nav.audit": "Audit trail",
      "common.signed_in_as": "{name} ({role})",
      "common.sign_out": "Sign out",
      "common.sign_in_instead": "Staff: sign in with your account",
      "common.role.admin": "administrator",
      "common.role.bureau": "bureau clerk",
      "common.role.viewer": "viewer",
      "common.role.auditor": "auditor",
      "action.coded": "{words} ({code})",
      "action.enterprise.registered": "Registered the firm",
      "action.enterprise.updated": "Corrected the firm",
      "action.enterprise.name_remembered": "Kept a name lists print",
      "action.certification.recorded": "Certified",
      "action.certification.revoked": "Revoked a certification",
      "action.application.created": "Opened an application",
      "action.application.moved": "Moved an application",
      "action.import.row": "Certified from a published list",
      "action.figure.recorded": "Recorded a figure",
      "action.catalog.loaded": "Loaded the catalog",
      "action.plan.loaded": "Loaded a plan",
      "action.demo_data.generated": "Generated demo data",
      "action.token.created": "Issued a token",
      "action.token.revoked": "Revoked a token",
      "action.user.created": "Created an account",
      "action.user.updated": "Changed an account",
      "action.user.signed_in": "Signed in",
      "action.user.signed_out": "Signed out",
      "action.user.sign_in_failed": "Sign-in failed",
      "action.user.locked": "Login locked",
      "action.user.unlocked": "Login unlocked",
      "action.user.password_changed": "Changed the password",
      "action.user.password_reset": "Reset the password",
    },
  };
  const LANG_KEY = "registry.lang";
  const listeners = [];
  let lang = "zh";

  /** The registry's time zone (the page says it): every moment and "today" are shown in it. */
  function zone() {
    const meta = document.querySelector('meta[name="registry-time-zone"]');
    return (meta && meta.content) || "Asia/Shanghai";
  }

  /** A moment as the registry's clock shows it: 2026-12-06 07:40 (with seconds: 07:40:05). */
  function localTime(at, { seconds = false } = {}) {
    const parts = {};
    const format = new Intl.DateTimeFormat("en-GB", {
      timeZone: zone(), year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: seconds ? "2-digit" : undefined, hourCycle: "h23",
    });
    for (const part of format.formatToParts(new Date(at))) parts[part.type] = part.value;
    const time = `${parts.hour}:${parts.minute}${seconds ? ":" + parts.second : ""}`;
    return `${parts.year}-${parts.month}-${parts.day} ${time}`;
  }

  /** A day in the registry's time zone, as YYYY-MM-DD (default: today). */
  function zoneDay(moment = new Date()) {
    return new Intl.DateTimeFormat("en-CA", { timeZone: zone(), year: "numeric", month: "2-digit", day: "2-digit" }).format(moment);
  }

  /** An audit event's action in words (its code when there are none); `coded`: the code beside. */
  function actionWords(action, { coded = false } = {}) {
    const key = `action.${action}`;
    const words = t(key);
    if (words === key) return action;
    return coded ? t("action.coded", { words, code: action }) : words;
  }

  function addStrings(extra) {
    for (const code of Object.keys(extra)) Object.assign(strings[code], extra[code]);
  }

  /** The text of `key` in the current language, with {name} placeholders filled. */
  function t(key, vars = {}) {
    const text = strings[lang][key] ?? strings.zh[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : ""));
  }

  function applyLanguage() {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    for (const node of document.querySelectorAll("[data-i18n]")) {
      node.textContent = t(node.dataset.i18n);
    }
    for (const node of document.querySelectorAll("[data-i18n-aria-label]")) {
      node.setAttribute("aria-label", t(node.dataset.i18nAriaLabel));
    }
    const toggle = document.getElementById("lang-toggle");
    toggle.textContent = t("common.switch_language");
    toggle.lang = lang === "zh" ? "en" : "zh-CN";
    for (const listener of listeners) listener(lang);
  }

  function setLanguage(code) {
    lang = code === "en" ? "en" : "zh";
    try {
      localStorage.setItem(LANG_KEY, lang);
    } catch (_) {
      /* storage may be disabled: the choice lasts for this page */
    }
    applyLanguage();
  }

  function onLanguageChange(listener) {
    listeners.push(listener);
  }

  function language() {
    return lang;
  }

  /** The page's language as a request's Accept-Language: the API's problems answer in it. */
  function acceptLanguage() {
    return lang === "zh" ? "zh-CN" : "en";
  }

  /** The fragment's parameters: `#token=…&year=2024&lang=en`. */
  function fragment() {
    return new URLSearchParams(location.hash.slice(1));
  }

  /** Replace the fragment without reloading or adding a history entry. */
  function setFragment(params) {
    const text = params.toString();
    history.replaceState(null, "", location.pathname + (text ? "#" + text : ""));
  }

  /** Move secret parameters from the fragment to sessionStorage, so the address bar (and a
      bookmark, or a screen photographed) no longer shows them. */
  function takeFromFragment(names) {
    const params = fragment();
    const taken = {};
    for (const [name, storageKey] of Object.entries(names)) {
      const value = params.get(name);
      if (value) {
        sessionStorage.setItem(storageKey, value.trim());
        taken[name] = value.trim();
      }
      params.delete(name);
    }
    setFragment(params);
    return taken;
  }

  class HttpError extends Error {
    constructor(status, problem) {
      super((problem && problem.detail) || `HTTP ${status}`);
      this.status = status;
      this.problem = problem;
    }
  }

  /** GET JSON with a bearer token. With a `cache` (a Map), the request carries If-None-Match
      and a 304 answers from the cache: `{body, changed}`. */
  async function getJSON(url, { token, cache } = {}) {
    const headers = { Accept: "application/json", "Accept-Language": acceptLanguage() };
    if (token) headers.Authorization = "Bearer " + token;
    const known = cache && cache.get(url);
    if (known && known.etag) headers["If-None-Match"] = known.etag;
    // no-store: the page does its own revalidation, and sees the 304 itself
    const response = await fetch(url, { headers, cache: "no-store" });
    if (response.status === 304 && known) return { body: known.body, changed: false };
    if (!response.ok) {
      let problem = null;
      try {
        problem = await response.json();
      } catch (_) {
        /* not JSON */
      }
      throw new HttpError(response.status, problem);
    }
    const body = await response.json();
    if (cache) cache.set(url, { etag: response.headers.get("ETag"), body });
    return { body, changed: true };
  }

  // ---------------------------------------------------------------------------------------
  // A person signed in: the browser sends the session's cookie by itself; writes carry the
  // session's CSRF token (from GET /me) in X-CSRF-Token.

  const session = { user: null, csrf: null };

  /** Who is signed in in this browser (GET /me with the cookie): the user, or null. */
  async function whoAmI() {
    const headers = { Accept: "application/json", "Accept-Language": acceptLanguage() };
    const response = await fetch(API_ME, { headers, cache: "no-store" });
    if (!response.ok) {
      session.user = session.csrf = null;
      return null;
    }
    const body = await response.json();
    session.user = body.user || null;
    session.csrf = body.csrf_token || null;
    renderPerson();
    return session.user;
  }

  function signedIn() {
    return session.user;
  }

  /** The headers a request carries: the token's Authorization, or on a person's write their
      CSRF token (the cookie goes by itself). */
  function credentialHeaders(method, token) {
    if (token) return { Authorization: "Bearer " + token };
    if (session.csrf && method !== "GET" && method !== "HEAD") return { "X-CSRF-Token": session.csrf };
    return {};
  }

  /** A request as the page's caller (`token`, else the person signed in): `{status, body,
      headers}` (body: the JSON answer, or null); never throws for an HTTP status. */
  async function send(method, url, { json, form, token, headers = {} } = {}) {
    const init = {
      method,
      headers: {
        Accept: "application/json",
        "Accept-Language": acceptLanguage(),
        ...headers,
        ...credentialHeaders(method, token),
      },
      cache: "no-store",
    };
    if (json !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(json);
    } else if (form) {
      init.body = form;
    }
    const response = await fetch(url, init);
    let body = null;
    try {
      body = await response.json();
    } catch (_) {
      /* no body (304, 204) */
    }
    return { status: response.status, body, headers: response.headers };
  }

  async function signOutPerson() {
    await fetch("/api/v1/session", { method: "DELETE", headers: credentialHeaders("DELETE"), cache: "no-store" });
    session.user = session.csrf = null;
    location.assign("/login");
  }

  /** The header's person: name, role and a sign-out button; the nav's pages for the role. */
  function renderPerson() {
    const slot = document.getElementById("who-am-i");
    if (!slot) return;
    const user = session.user;
    for (const link of document.querySelectorAll("[data-role-link]")) {
      link.closest("li").hidden = !user || !link.dataset.roleLink.split(" ").includes(user.role);
    }
    const login = document.getElementById("nav-login");
    if (login) login.closest("li").hidden = Boolean(user);
    slot.hidden = !user;
    if (!user) return;
    slot.replaceChildren(
      h("span", { class: "who-name" }, t("common.signed_in_as", { name: user.name, role: t("common.role." + user.role) })),
      h("button", { type: "button", class: "secondary sign-out", id: "sign-out" }, t("common.sign_out")),
    );
    document.getElementById("sign-out").addEventListener("click", signOutPerson);
  }

  /** An element with attributes and children (strings become text nodes, never HTML). */
  function h(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") node.className = value;
      else if (name === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function number(value, digits = 0) {
    return new Intl.NumberFormat(lang === "zh" ? "zh-CN" : "en", {
      maximumFractionDigits: digits,
    }).format(value);
  }

  function percent(ratio) {
    return (ratio * 100).toFixed(1) + "%";
  }

  function tierLabel(tier) {
    if (!tier) return "";
    return lang === "zh" ? tier.label_zh : tier.label_en;
  }

  function districtName(district) {
    if (lang === "zh") return district.short_name_zh || district.name_zh;
    return district.name_en;
  }

  /** The token form again (#token-form): the message, if any, in its alert; the field empty,
      marked invalid after a refusal, and focused. */
  function askForToken(message) {
    document.getElementById("token-error").textContent = message || "";
    const input = document.getElementById("token-input");
    input.value = "";
    input.setAttribute("aria-invalid", message ? "true" : "false");
    input.focus();
  }

  const API_ME = "/api/v1/me";

  function start() {
    let stored = null;
    try {
      stored = localStorage.getItem(LANG_KEY);
    } catch (_) {
      /* storage may be disabled */
    }
    const params = fragment();
    lang = (params.get("lang") || stored) === "en" ? "en" : "zh";
    document.getElementById("lang-toggle").addEventListener("click", () => {
      setLanguage(lang === "zh" ? "en" : "zh");
    });
    onLanguageChange(renderPerson);
    applyLanguage();
  }

  return {
    addStrings,
    t,
    zone,
    localTime,
    zoneDay,
    actionWords,
    applyLanguage,
    setLanguage,
    onLanguageChange,
    language,
    fragment,
    setFragment,
    takeFromFragment,
    HttpError,
    getJSON,
    h,
    number,
    percent,
    tierLabel,
    districtName,
    askForToken,
    whoAmI,
    signedIn,
    credentialHeaders,
    send,
    signOutPerson,
    start,
  };
})();

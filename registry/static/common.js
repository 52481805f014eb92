/* Shared by the pages: Chinese first with English available, the token from the URL fragment
   or a form (kept in sessionStorage, never sent anywhere but the API's Authorization header),
   conditional GETs, and a small DOM helper that only ever sets text (no HTML from data). */
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
    },
  };
  const LANG_KEY = "registry.lang";
  const listeners = [];
  let lang = "zh";

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
    const headers = { Accept: "application/json" };
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
    applyLanguage();
  }

  return {
    addStrings,
    t,
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
    start,
  };
})();

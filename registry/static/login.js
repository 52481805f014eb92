/* Signing in as a person: /login, then the page for the role (a clerk's workbench, a viewer's
   dashboard, the auditor's trail, the admin's users); the new password first when it must be
   chosen (a one-time or an outdated one); /login#change to choose one at any time. */
"use strict";

(() => {
  const R = Registry;
  const API = "/api/v1";
  const HOME = { bureau: "/workbench", admin: "/users", viewer: "/dashboard", auditor: "/audit" };

  R.addStrings({
    zh: {
      "login.title": "登录",
      "login.heading": "工作人员登录",
      "login.subtitle": "用管理员分配的账号登录；首次登录须先设置新密码。",
      "login.signin": "登录",
      "login.login": "登录名",
      "login.password": "密码",
      "login.go": "登录",
      "login.token_hint": "大屏和系统接口使用令牌，无需登录。",
      "login.change": "设置新密码",
      "login.current": "当前密码",
      "login.new": "新密码",
      "login.repeat": "再次输入新密码",
      "login.rules": "至少 10 个字符，包含小写字母、大写字母、数字、符号中的至少三类；不能包含登录名，不能与最近 5 次的密码相同。",
      "login.change.go": "保存新密码",
      "login.change.why": "这是管理员设置的一次性密码，或密码已超过有效期：请先设置新密码，再使用其他功能。",
      "login.done": "已登录",
      "login.done.text": "您已登录为 {name}。",
      "login.next.bureau": "进入工作台",
      "login.next.admin": "管理用户",
      "login.next.viewer": "查看进度看板",
      "login.next.auditor": "查看审计记录",
      "login.error.required": "请输入登录名和密码。",
      "login.error.wrong": "登录名或密码错误。",
      "login.error.locked": "登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试，或联系管理员解锁。",
      "login.error.busy": "尝试次数过多，请 {seconds} 秒后再试。",
      "login.error.repeat": "两次输入的新密码不一致。",
      "login.error.server": "服务器出错（{status}），请稍后再试。",
      "login.changed": "新密码已保存。",
    },
    en: {
      "login.title": "Sign in",
      "login.heading": "Staff sign-in",
      "login.subtitle": "Sign in with the account your administrator gave you; at the first sign-in, choose a new password.",
      "login.signin": "Sign in",
      "login.login": "Login",
      "login.password": "Password",
      "login.go": "Sign in",
      "login.token_hint": "Big screens and API clients use tokens and need no sign-in.",
      "login.change": "Choose a new password",
      "login.current": "Current password",
      "login.new": "New password",
      "login.repeat": "New password again",
      "login.rules": "At least 10 characters, with 3 of: lower case, upper case, digits, symbols; not containing the login; none of your last 5 passwords.",
      "login.change.go": "Save the new password",
      "login.change.why": "This is a one-time password set by an administrator, or your password has grown too old: choose a new one before anything else.",
      "login.done": "Signed in",
      "login.done.text": "You are signed in as {name}.",
      "login.next.bureau": "Open the workbench",
      "login.next.admin": "Manage users",
      "login.next.viewer": "Open the dashboard",
      "login.next.auditor": "Open the audit trail",
      "login.error.required": "Enter your login and password.",
      "login.error.wrong": "Wrong login or password.",
      "login.error.locked": "Too many failed sign-ins: the account is locked; try again in {minutes} minutes, or ask an administrator to unlock it.",
      "login.error.busy": "Too many attempts; try again in {seconds} seconds.",
      "login.error.repeat": "The two new passwords differ.",
      "login.error.server": "Server error ({status}); try again shortly.",
      "login.changed": "The new password is saved.",
    },
  });

  const $ = (id) => document.getElementById(id);
  const t = R.t;
  const state = { user: null, password: null };

  function show(panel) {
    for (const id of ["signin-panel", "change-panel", "done-panel"]) $(id).hidden = id !== panel;
    const focus = { "signin-panel": "login", "change-panel": state.password ? "new-password" : "current-password" }[panel];
    if (focus) $(focus).focus();
  }

  const post = (url, json) => R.send("POST", url, { json });

  async function signIn(event) {
    event.preventDefault();
    const login = $("login").value.trim();
    const password = $("password").value;
    if (!login || !password) return ($("login-error").textContent = t("login.error.required"));
    const reply = await post(`${API}/session`, { login, password });
    $("password").value = "";
    if (reply.status === 200) {
      state.password = password; // kept in this page only, to choose a new one at once
      return afterSignIn(await R.whoAmI());
    }
    const wait = Number(reply.headers.get("Retry-After") || 0);
    $("login-error").textContent =
      reply.status === 401 ? t("login.error.wrong")
      : reply.status === 423 ? t("login.error.locked", { minutes: Math.ceil(wait / 60) })
      : reply.status === 429 ? t("login.error.busy", { seconds: wait })
      : t("login.error.server", { status: reply.status });
    $("password").setAttribute("aria-invalid", "true");
    $("password").focus();
  }

  function afterSignIn(user) {
    state.user = user;
    if (!user) return show("signin-panel");
    if (user.must_change_password || location.hash === "#change") return askForPassword(user);
    const next = new URLSearchParams(location.search).get("next");
    location.assign(next && next.startsWith("/") && !next.startsWith("//") ? next : HOME[user.role]);
  }

  function askForPassword(user) {
    $("change-login").value = user.login; // for the browser's password manager
    $("change-why").textContent = user.must_change_password ? t("login.change.why") : "";
    $("change-why").hidden = !user.must_change_password;
    $("current-field").hidden = Boolean(state.password);
    show("change-panel");
  }

  async function changePassword(event) {
    event.preventDefault();
    const errors = $("change-error");
    errors.replaceChildren();
    const fresh = $("new-password").value;
    if (fresh !== $("repeat-password").value) return errors.append(R.h("li", {}, t("login.error.repeat")));
    const current = state.password || $("current-password").value;
    const reply = await post(`${API}/session/password`, { current_password: current, new_password: fresh });
    if (reply.status !== 200) {
      const fields = (reply.body && reply.body.errors && reply.body.errors.json) || {};
      const messages = [...(fields.new_password || []), ...(fields.current_password || [])];
      if (!messages.length) messages.push((reply.body && reply.body.detail) || t("login.error.server", { status: reply.status }));
      errors.replaceChildren(...messages.map((message) => R.h("li", {}, message)));
      return;
    }
    state.password = null;
    for (const id of ["current-password", "new-password", "repeat-password"]) $(id).value = "";
    history.replaceState(null, "", location.pathname + location.search);
    const user = await R.whoAmI();
    $("done-text").textContent = t("login.changed") + " " + t("login.done.text", { name: user.name });
    $("done-next").textContent = t("login.next." + user.role);
    $("done-next").href = HOME[user.role];
    show("done-panel");
  }

  async function main() {
    R.start();
    $("login-form").addEventListener("submit", signIn);
    $("change-form").addEventListener("submit", changePassword);
    window.addEventListener("hashchange", () => state.user && afterSignIn(state.user));
    const user = await R.whoAmI();
    if (user && !user.must_change_password && location.hash !== "#change") {
      $("done-text").textContent = t("login.done.text", { name: user.name });
      $("done-next").textContent = t("login.next." + user.role);
      $("done-next").href = HOME[user.role];
      state.user = user;
      return show("done-panel");
    }
    afterSignIn(user);
  }

  main();
})();

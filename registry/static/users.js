/* The administrator's users page: people's accounts, made, disabled, reset and unlocked; a
   one-time password is shown once, in the page, for the admin to hand over. */
"use strict";

(() => {
  const R = Registry;
  const API = "/api/v1";
  const ROLES = ["bureau", "viewer", "auditor", "admin"];

  R.addStrings({
    zh: {
      "users.title": "用户管理",
      "users.heading": "用户管理",
      "users.subtitle": "为工作人员建立账号、停用、重置密码、解除锁定。",
      "users.list": "账号",
      "users.col.login": "登录名",
      "users.col.name": "姓名",
      "users.col.role": "角色",
      "users.col.districts": "区县",
      "users.col.state": "状态",
      "users.col.actions": "操作",
      "users.create": "新建账号",
      "users.create.go": "建立账号",
      "users.state.active": "正常",
      "users.state.disabled": "已停用",
      "users.state.locked": "已锁定（至 {until}）",
      "users.state.must_change": "须修改密码",
      "users.city": "全市",
      "users.disable": "停用",
      "users.enable": "启用",
      "users.reset": "重置密码",
      "users.unlock": "解除锁定",
      "users.one_time": "{login} 的一次性密码：{password}（只显示这一次，72 小时内有效，请当面交给本人）",
      "users.refused": "只有系统管理员可以管理用户，请用管理员账号登录。",
      "users.error": "操作失败（{status}）：{detail}",
    },
    en: {
      "users.title": "Users",
      "users.heading": "Users",
      "users.subtitle": "Make accounts for staff, disable them, reset passwords, lift locks.",
      "users.list": "Accounts",
      "users.col.login": "Login",
      "users.col.name": "Name",
      "users.col.role": "Role",
      "users.col.districts": "Districts",
      "users.col.state": "State",
      "users.col.actions": "Actions",
      "users.create": "New account",
      "users.create.go": "Create the account",
      "users.state.active": "active",
      "users.state.disabled": "disabled",
      "users.state.locked": "locked (until {until})",
      "users.state.must_change": "must change password",
      "users.city": "city-wide",
      "users.disable": "Disable",
      "users.enable": "Enable",
      "users.reset": "Reset password",
      "users.unlock": "Unlock",
      "users.one_time": "One-time password of {login}: {password} (shown this once, good for 72 hours; hand it over in person)",
      "users.refused": "Only an administrator manages users: sign in with an administrator's account.",
      "users.error": "Failed ({status}): {detail}",
    },
  });

  const $ = (id) => document.getElementById(id);
  const h = R.h;
  const t = R.t;
  const districts = new Map();

  const call = (method, path, json) => R.send(method, API + path, { json });

  function failed(reply) {
    return t("users.error", { status: reply.status, detail: (reply.body && reply.body.detail) || "" });
  }

  function stateOf(user) {
    const parts = [t(user.disabled ? "users.state.disabled" : "users.state.active")];
    if (user.locked_until) parts.push(t("users.state.locked", { until: user.locked_until.slice(11, 16) }));
    if (user.must_change_password) parts.push(t("users.state.must_change"));
    return parts.join("，");
  }

  function placeNames(codes) {
    if (!codes.length) return t("users.city");
    return R.listOf(codes.map((code) => (districts.has(code) ? R.districtName(districts.get(code)) : code)));
  }

  async function act(method, path, json) {
    const reply = await call(method, path, json);
    if (reply.status >= 400) {
      $("one-time").textContent = failed(reply);
      $("one-time").hidden = false;
      return;
    }
    if (reply.body && reply.body.one_time_password) {
      $("one-time").textContent = t("users.one_time", { login: reply.body.user.login, password: reply.body.one_time_password });
      $("one-time").hidden = false;
    }
    await load();
  }

  async function load() {
    const reply = await call("GET", "/users?page_size=500");
    if (reply.status !== 200) return refuse();
    $("users-table").tBodies[0].replaceChildren(
      ...reply.body.items.map((user) =>
        h(
          "tr",
          { dataset: { login: user.login } },
          h("td", {}, user.login),
          h("td", {}, user.name),
          h("td", {}, t("common.role." + user.role)),
          h("td", {}, placeNames(user.districts)),
          h("td", {}, stateOf(user)),
          h(
            "td",
            { class: "actions" },
            h("button", { type: "button", class: "secondary", dataset: { act: "toggle" } }, t(user.disabled ? "users.enable" : "users.disable")),
            h("button", { type: "button", class: "secondary", dataset: { act: "reset" } }, t("users.reset")),
            user.locked_until ? h("button", { type: "button", class: "secondary", dataset: { act: "unlock" } }, t("users.unlock")) : null,
          ),
        ),
      ),
    );
    for (const row of $("users-table").tBodies[0].rows) {
      const user = reply.body.items.find((u) => u.login === row.dataset.login);
      for (const button of row.querySelectorAll("button")) {
        button.addEventListener("click", () => {
          const login = encodeURIComponent(user.login);
          if (button.dataset.act === "toggle") act("PATCH", `/users/${login}`, { disabled: !user.disabled });
          if (button.dataset.act === "reset") act("POST", `/users/${login}/password-reset`);
          if (button.dataset.act === "unlock") act("POST", `/users/${login}/unlock`);
        });
      }
    }
  }

  function refuse() {
    $("users-refused").textContent = t("users.refused");
    $("users-refused").hidden = false;
    $("users-panel").hidden = $("create-panel").hidden = true;
  }

  async function create(event) {
    event.preventDefault();
    const role = $("new-role").value;
    const body = {
      login: $("new-login").value.trim(),
      name: $("new-name").value.trim(),
      role,
      districts: role === "bureau" ? [...$("new-districts").selectedOptions].map((o) => o.value) : [],
    };
    const reply = await call("POST", "/users", body);
    if (reply.status !== 201) {
      $("create-error").textContent = failed(reply);
      return;
    }
    $("create-error").textContent = "";
    $("create-form").reset();
    $("one-time").textContent = t("users.one_time", { login: reply.body.user.login, password: reply.body.one_time_password });
    $("one-time").hidden = false;
    await load();
  }

  function roleOptions() {
    $("new-role").replaceChildren(...ROLES.map((role) => h("option", { value: role }, t("common.role." + role))));
  }

  async function main() {
    R.start();
    const user = await R.whoAmI();
    if (!user) return location.assign("/login?next=/users");
    if (user.must_change_password) return location.assign("/login#change");
    if (user.role !== "admin") return refuse();
    const known = await R.getJSON(`${API}/districts`);
    for (const district of known.body) districts.set(district.code, district);
    $("new-districts").replaceChildren(...known.body.map((d) => h("option", { value: d.code }, R.districtName(d))));
    roleOptions();
    R.onLanguageChange(() => {
      roleOptions();
      load();
    });
    $("create-form").addEventListener("submit", create);
    $("users-panel").hidden = $("create-panel").hidden = false;
    await load();
  }

  main();
})();

"""People at the pages, in chromium at 1366×768 (a clerk's laptop): a clerk signs in with the
one-time password the admin handed over, must choose a new one first, loads a published list
through the workbench as themselves and signs out; five wrong passwords lock the login and the
page says so; the admin makes an account and sees its one-time password once; the auditor reads
the sign-ins. Photographed in tests/artifacts/."""

from tests.browser.support import BUREAU, screenshot
from tests.support.codes import make_code
from tests.support.servers import run_registry

LAPTOP = {"width": 1366, "height": 768}
NEW_PASSWORD = "Hongqi-2026-desk"


def account(site, login: str, role: str, *districts: str) -> str:
    """A person's account made at the command line; its one-time password."""
    options = [arg for code in districts for arg in ("--district", code)]
    made = run_registry(
        site.server.database_url,
        "create-user",
        login,
        "--name",
        f"{login}某",
        "--role",
        role,
        *options,
    )
    return made.stdout.splitlines()[-1]


def sign_in(page, login: str, password: str) -> None:
    page.wait_for_selector("#signin-panel:not([hidden])")
    page.locator("#login").fill(login)
    page.locator("#password").fill(password)
    page.locator("#login-submit").click()


def choose_password(page, password: str) -> None:
    page.wait_for_selector("#change-panel:not([hidden])")
    page.locator("#new-password").fill(password)
    page.locator("#repeat-password").fill(password)
    page.locator("#change-form button[type=submit]").click()
    page.wait_for_selector("#done-panel:not([hidden])")


def signed_in_afresh(open_page, site, login: str, role: str, password: str):
    """A new person's first sign-in: the one-time password, a new one chosen, then the page of
    their role."""
    once = account(site, login, role)
    page = open_page("/login", LAPTOP)
    sign_in(page, login, once)
    choose_password(page, password)
    page.locator("#done-next").click()
    return page


def drop_list(page, name: str, text: str) -> None:
    page.evaluate(
        """([name, text]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([text], name, {type: "text/csv"}));
            document.getElementById("drop").dispatchEvent(
                new DragEvent("drop", {dataTransfer: transfer, bubbles: true}));
        }""",
        [name, text],
    )


def test_a_clerk_signs_in_chooses_a_password_loads_a_list_and_signs_out(open_page, site):
    once = account(site, "hongqi.clerk", "bureau", BUREAU)
    page = open_page("/workbench", LAPTOP)
    page.wait_for_selector("#signin:not([hidden])")  # no session, no token: the page asks
    page.locator("#signin a[href='/login']").click()
    sign_in(page, "hongqi.clerk", once)

    # The one-time password chooses a new one, and nothing else.
    page.wait_for_selector("#change-panel:not([hidden])")
    assert page.locator("#change-why").is_visible()
    screenshot(page, "people-choose-password")
    page.locator("#new-password").fill("short")
    page.locator("#repeat-password").fill("short")
    page.locator("#change-form button[type=submit]").click()
    page.wait_for_selector("#change-error li")
    assert "至少 10 个字符" in page.locator("#change-error").text_content()
    choose_password(page, NEW_PASSWORD)
    page.locator("#done-next").click()

    # The workbench, as the clerk: their name in the header, no token anywhere.
    page.wait_for_selector("#bench:not([hidden])")
    assert "hongqi.clerk某" in page.locator("#who-am-i").text_content()
    assert "token" not in page.url
    codes = [make_code(f"people-{n}", BUREAU) for n in range(2)]
    listed = [
        "2025年度新乡市创新型中小企业名单",
        "序号,统一社会信用代码,企业名称,县（市、区）",
        f"1,{codes[0]},新乡市红旗区账号一号机械有限公司,红旗区",
        f"2,{codes[1]},新乡市红旗区账号二号电子有限公司,红旗区",
    ]
    drop_list(page, "名单.csv", "\r\n".join(listed) + "\r\n")
    page.wait_for_selector("#facts-form:not([hidden])")
    page.locator("#fact-certified_on").fill("2025-12-15")
    page.locator("#fact-certified_on").press("Enter")
    page.wait_for_selector("#rows-table tbody tr[data-row]")
    page.locator("#commit").click()
    page.wait_for_selector("#result-area:not([hidden])")
    assert "新增认定 2 条" in page.locator("#result").text_content()
    screenshot(page, "people-workbench-loaded")
    trail = site.server.call("GET", f"/events?credit_code={codes[0]}").json["items"]
    assert {(e["actor_login"], e["actor_role"]) for e in trail} == {("hongqi.clerk", "bureau")}

    # Signing out ends the session: back at the sign-in, and the workbench asks again.
    page.locator("#sign-out").click()
    page.wait_for_url("**/login")
    page.wait_for_selector("#signin-panel:not([hidden])")
    page.goto(site.origin + "/workbench")
    page.wait_for_selector("#signin:not([hidden])")


def test_five_wrong_passwords_lock_the_login_and_the_page_says_so(open_page, site):
    once = account(site, "weibin.locked", "viewer")
    page = open_page("/login", LAPTOP)
    for attempt in range(5):
        sign_in(page, "weibin.locked", f"Wrong-pass-{attempt}")
        page.wait_for_function(
            "() => document.getElementById('login-error').textContent.includes('错误')"
        )
        page.evaluate("() => { document.getElementById('login-error').textContent = ''; }")
    sign_in(page, "weibin.locked", once)  # the right one, refused during the lock
    page.wait_for_function(
        "() => document.getElementById('login-error').textContent.includes('锁定')"
    )
    assert "15 分钟" in page.locator("#login-error").text_content()
    screenshot(page, "people-locked")


def test_the_admin_makes_an_account_and_sees_its_one_time_password_once(open_page, site):
    page = signed_in_afresh(open_page, site, "city.admin", "admin", "Cityadmin-2026!")
    page.wait_for_selector("#users-panel:not([hidden])")
    page.locator("#new-login").fill("fengquan.viewer")
    page.locator("#new-name").fill("凤泉查看")
    page.locator("#new-role").select_option("viewer")
    page.locator("#create-form button[type=submit]").click()
    page.wait_for_selector("#one-time:not([hidden])")
    shown = page.locator("#one-time").text_content()
    assert "fengquan.viewer" in shown and "只显示这一次" in shown
    row = page.locator('#users-table tr[data-login="fengquan.viewer"]')
    assert "须修改密码" in row.text_content()
    screenshot(page, "people-users", full_page=True)
    page.reload()  # shown once: not on the page again
    page.wait_for_selector('#users-table tr[data-login="fengquan.viewer"]')
    assert page.locator("#one-time").is_hidden()


def test_the_auditor_reads_the_sign_ins(open_page, site):
    page = signed_in_afresh(open_page, site, "the.auditor", "auditor", "Auditor-2026-ok")
    page.wait_for_selector("#audit-panel:not([hidden])")
    page.locator("#audit-kind").select_option("user.sign")
    page.wait_for_function(
        "() => { const rows = [...document.querySelectorAll('#audit-table tbody tr')];"
        " return rows.some(r => r.dataset.action === 'user.signed_in')"
        " && rows.every(r => r.dataset.action.startsWith('user.sign')); }"  # the filter's answer
    )
    rows = page.eval_on_selector_all("#audit-table tbody tr", "rows => rows.map(r => r.innerText)")
    assert all("user.sign" in row for row in rows)  # each action in words, its code beside
    assert any("the.auditor" in row and "登录（user.signed_in）" in row for row in rows)
    screenshot(page, "people-audit")


def fits(page) -> None:
    """Nothing wider than the window: no sideways scrolling, no control cut at the right."""
    overflow = page.evaluate(
        """() => {
            const width = window.innerWidth;
            const cut = [...document.querySelectorAll('input, select, button, table, h1, h2')]
                .filter(e => e.offsetParent !== null && e.getBoundingClientRect().right > width + 1)
                .map(e => e.id || e.tagName);
            return {scroll: document.documentElement.scrollWidth - width, cut};
        }"""
    )
    assert overflow == {"scroll": 0, "cut": []}, overflow


def test_the_people_pages_fit_a_desk_screen_as_well_as_a_laptop(open_page, site):
    desk = {"width": 1920, "height": 1080}
    page = open_page("/login", desk)
    page.wait_for_selector("#signin-panel:not([hidden])")
    fits(page)
    for login, role, panel, password in (
        ("desk.admin", "admin", "#users-panel", "Deskadmin-2026!"),
        ("desk.auditor", "auditor", "#audit-panel", "Deskaudit-2026!"),
    ):
        once = account(site, login, role)
        for size in (desk, LAPTOP):
            page = open_page("/login", size)
            sign_in(page, login, once if size is desk else password)
            if size is desk:
                choose_password(page, password)
                fits(page)
                page.locator("#done-next").click()
            page.wait_for_selector(f"{panel}:not([hidden])")
            fits(page)
            screenshot(page, f"people-{role}-{size['width']}")

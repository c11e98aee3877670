"""The checks themselves: they must see a problem when there is one, or a clean result means nothing."""
from tests.browser.helpers import run_axe, sideways_overflow


def test_axe_finds_a_broken_page_and_reflow_finds_sideways_scrolling(new_page):
    page = new_page()
    page.goto("/sign-in")
    assert run_axe(page) == []
    assert sideways_overflow(page) <= 0

    # Break the page as real mistakes would: an unlabelled field, an image without a text alternative,
    # grey-on-grey text, and a long unbreakable line.
    page.evaluate("""() => {
        const main = document.querySelector('main');
        main.insertAdjacentHTML('beforeend',
            '<input type="text" id="nolabel"><img src="/assets/images/favicon.svg">' +
            '<p style="color:#aaa;background:#bbb">Faint</p>' +
            '<p style="white-space:nowrap">' + 'A very long line of text that does not wrap. '.repeat(20) + '</p>');
    }""")
    found = {violation["id"] for violation in run_axe(page)}
    assert {"label", "image-alt", "color-contrast"} <= found
    assert sideways_overflow(page) > 0
    assert page.viewport_size["width"] == 1280, "the viewport is put back after the reflow check"

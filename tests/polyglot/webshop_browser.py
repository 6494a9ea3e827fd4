"""Drives Debian's headless Chromium through examples/webshop three times: the payer pays,
the card is declined, the payer cancels. Each time: the shop's product page, "Pay with Barion",
the sandbox's payment page over HTTPS (trusted through the CA in $HOME/.pki/nssdb, which the
calling script fills: no certificate error is ignored), the button, the 303 back to the shop,
and the outcome the shop learned from the gateway's event stream. A screenshot of each final
page goes to SCREENSHOT_DIR.

Usage: webshop_browser.py SHOP_URL SANDBOX_HTTPS_URL SCREENSHOT_DIR
"""
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

# What the payer clicks on the sandbox's page, and what the shop must then show.
RUNS = [
    ("pay", "Pay with test card", "paid"),
    ("decline", "Card declined", "declined"),
    ("cancel", "Cancel", "cancelled"),
]


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--window-size=1000,700", "--no-first-run", "--disable-extensions"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    return driver


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def run(driver, shop, sandbox, name, button, expected, screenshots):
    driver.get(shop + "/")
    check(driver.find_element(By.ID, "price").text == "4990 HUF", "product page: price")
    driver.find_element(By.ID, "pay").click()

    # The sandbox's payment page, over HTTPS with its own CA: a certificate error would show
    # Chromium's interstitial instead, with another title and URL.
    WebDriverWait(driver, 20).until(lambda d: d.current_url.startswith(sandbox + "/Pay"))
    check(driver.title == "Barion sandbox payment",
          "%s: not the sandbox's payment page: %r at %s" % (name, driver.title,
                                                             driver.current_url))
    page = driver.find_element(By.TAG_NAME, "body").text
    check("4990 HUF" in page and "Prepared" in page, "%s: payment page says %r" % (name, page))
    payment_id = driver.find_element(By.TAG_NAME, "code").text
    driver.find_element(By.XPATH, "//button[starts-with(normalize-space(), '%s')]" %
                        button).click()

    # Back at the shop, which shows the outcome once the event has arrived.
    WebDriverWait(driver, 20).until(lambda d: d.current_url.startswith(shop + "/return"))
    check(driver.current_url == "%s/return?paymentId=%s" % (shop, payment_id),
          "%s: returned to %s" % (name, driver.current_url))
    WebDriverWait(driver, 30).until(
        lambda d: d.find_element(By.ID, "outcome").get_attribute("data-outcome") != "pending")
    outcome = driver.find_element(By.ID, "outcome")
    driver.save_screenshot(os.path.join(screenshots, "%s.png" % name))
    check(outcome.get_attribute("data-outcome") == expected,
          "%s: the shop shows %r (%s), expected %r" % (
              name, outcome.get_attribute("data-outcome"), outcome.text, expected))
    check(driver.find_element(By.ID, "payment").text == payment_id,
          "%s: the shop shows another payment" % name)
    print("webshop %s: %s: %s" % (name, payment_id, outcome.text))


def main():
    shop, sandbox, screenshots = sys.argv[1:4]
    driver = browser()
    try:
        for name, button, expected in RUNS:
            run(driver, shop, sandbox, name, button, expected, screenshots)
    except Exception:
        driver.save_screenshot(os.path.join(screenshots, "failure.png"))
        print("at %s: %s" % (driver.current_url, driver.find_element(By.TAG_NAME, "body").text))
        raise
    finally:
        driver.quit()
    print("webshop browser test: paid, declined and cancelled as the shop showed them")


if __name__ == "__main__":
    main()

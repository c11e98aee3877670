// Session timeout warning (GOV.UK / HMRC timeout-warning pattern): before the server ends an idle
// session, a modal dialog offers to keep the user signed in. It never navigates away, so what the
// user has typed stays on the page. If the session does end, the dialog says so and lets the user sign
// in again in another tab, then refreshes this page's CSRF tokens so the form can still be sent.
// Served as a module from /assets/js (script-src 'self'); no inline script, no inline style.

const WARN_BEFORE_SECONDS = 120;
const ANNOUNCE_EVERY_SECONDS = 30;

function minutesAndSeconds(seconds) {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  if (minutes === 0) return `${rest} second${rest === 1 ? "" : "s"}`;
  if (rest === 0) return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  return `${minutes} minute${minutes === 1 ? "" : "s"} ${rest} second${rest === 1 ? "" : "s"}`;
}

function roughly(seconds) {
  // What a screen reader hears: whole minutes, then seconds in the last minute.
  return seconds >= 60 ? minutesAndSeconds(Math.ceil(seconds / 60) * 60) : minutesAndSeconds(seconds);
}

class SessionTimeout {
  constructor(dialog) {
    this.dialog = dialog;
    this.idleSeconds = Number(dialog.dataset.idleSeconds) || 1800;
    this.warnSeconds = Math.min(WARN_BEFORE_SECONDS, Math.floor(this.idleSeconds / 2));
    this.csrfToken = dialog.dataset.csrfToken;
    this.warning = dialog.querySelector("[data-state='warning']");
    this.expired = dialog.querySelector("[data-state='expired']");
    this.countdown = dialog.querySelector("[data-countdown]");
    this.announcer = dialog.querySelector("[data-announce]");
    this.expiredStatus = dialog.querySelector("[data-expired-status]");
    this.deadline = Date.now() + this.idleSeconds * 1000;
    this.returnFocus = null;

    dialog.querySelector("[data-action='stay']").addEventListener("click", () => this.stay());
    dialog.querySelector("[data-action='sign-out']").addEventListener("click", () => this.signOut());
    dialog.querySelector("[data-action='continue']").addEventListener("click", () => this.continueAfterSignIn());
    // Escape means "not now": treat it as staying signed in rather than leaving a session to lapse.
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      if (!this.expired.hidden) return;
      this.stay();
    });
    this.schedule();
  }

  secondsLeft() {
    return Math.max(0, Math.round((this.deadline - Date.now()) / 1000));
  }

  schedule() {
    clearTimeout(this.timer);
    const wait = Math.max(0, this.deadline - this.warnSeconds * 1000 - Date.now());
    this.timer = setTimeout(() => this.check(), wait);
  }

  async status() {
    try {
      const response = await fetch(this.dialog.dataset.statusUrl, {
        headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store",
      });
      if (!response.ok) return { signed_in: false };
      return await response.json();
    } catch {
      return null; // offline: say nothing, try again shortly
    }
  }

  async check() {
    const status = await this.status();
    if (status === null) {
      this.timer = setTimeout(() => this.check(), 15000);
      return;
    }
    if (!status.signed_in) {
      this.showExpired();
      return;
    }
    this.deadline = Date.now() + status.seconds_left * 1000;
    if (status.seconds_left > this.warnSeconds + 5) {
      this.close(); // another tab kept the session alive
      this.schedule();
      return;
    }
    this.showWarning();
  }

  open() {
    if (!this.dialog.open) {
      this.returnFocus = document.activeElement;
      this.dialog.showModal();
    }
  }

  close() {
    clearInterval(this.ticker);
    if (this.dialog.open) this.dialog.close();
    if (this.returnFocus && typeof this.returnFocus.focus === "function") this.returnFocus.focus();
    this.returnFocus = null;
  }

  // The dialog is named and described by the part on show, or a screen reader would announce
  // "You are about to be signed out" over a dialog that says the user has been signed out.
  label(state) {
    this.dialog.setAttribute("aria-labelledby", `hearth-timeout${state}-heading`);
    this.dialog.setAttribute("aria-describedby", `hearth-timeout${state}-message`);
  }

  showWarning() {
    this.warning.hidden = false;
    this.expired.hidden = true;
    this.label("");
    this.open();
    this.dialog.querySelector("#hearth-timeout-heading").focus();
    let lastAnnounced = null;
    const tick = () => {
      const left = this.secondsLeft();
      this.countdown.textContent = minutesAndSeconds(left);
      if (lastAnnounced === null || lastAnnounced - left >= ANNOUNCE_EVERY_SECONDS) {
        this.announcer.textContent = `You will be signed out in ${roughly(left)}.`;
        lastAnnounced = left;
      }
      if (left <= 0) {
        clearInterval(this.ticker);
        this.check();
      }
    };
    clearInterval(this.ticker);
    tick();
    this.ticker = setInterval(tick, 1000);
  }

  showExpired() {
    clearInterval(this.ticker);
    clearTimeout(this.timer);
    this.warning.hidden = true;
    this.expired.hidden = false;
    this.label("-expired");
    this.expiredStatus.textContent = "";
    this.open();
    this.dialog.querySelector("#hearth-timeout-expired-heading").focus();
  }

  async stay() {
    try {
      const response = await fetch(this.dialog.dataset.keepAliveUrl, {
        method: "POST",
        headers: { Accept: "application/json", "X-CSRFToken": this.csrfToken },
        credentials: "same-origin",
        cache: "no-store",
      });
      if (!response.ok) {
        this.showExpired();
        return;
      }
      const body = await response.json();
      this.deadline = Date.now() + body.seconds_left * 1000;
    } catch {
      this.announcer.textContent = "Hearth could not be reached. Check your connection and try again.";
      return;
    }
    this.close();
    this.schedule();
  }

  signOut() {
    const form = document.querySelector(".hearth-account-bar__form");
    if (form) form.requestSubmit();
  }

  async continueAfterSignIn() {
    const status = await this.status();
    if (!status || !status.signed_in) {
      this.expiredStatus.textContent = "You are not signed in yet. Sign in in the other tab, then select Continue.";
      return;
    }
    // The new session has a new CSRF secret: give every form on this page the new token.
    this.csrfToken = status.csrf_token;
    for (const input of document.querySelectorAll("input[name='csrf_token']")) input.value = status.csrf_token;
    this.deadline = Date.now() + status.seconds_left * 1000;
    this.close();
    this.schedule();
  }
}

const dialog = document.getElementById("hearth-timeout");
if (dialog && typeof dialog.showModal === "function" && typeof fetch === "function") {
  new SessionTimeout(dialog);
}

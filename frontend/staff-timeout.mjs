// Warns a signed-in member of staff before the 30-minute idle limit ends their session, and
// lets them stay signed in (a POST to the keep-alive endpoint). The server enforces the limit
// whether or not this runs; this only gives fair warning.
const root = document.getElementById("staff-timeout");

if (root) {
  const idle = Number(root.dataset.idleSeconds) * 1000;
  const warn = Number(root.dataset.warnSeconds) * 1000;
  const dialog = root.querySelector("dialog");
  const form = dialog.querySelector("form");
  let warnTimer;
  let endTimer;

  const signedOut = () => window.location.assign(root.dataset.signedOutUrl);

  const schedule = () => {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(() => {
      root.hidden = false;
      if (!dialog.open) dialog.showModal();
    }, Math.max(idle - warn, 0));
    // A little after the server's limit, so the session has certainly ended.
    endTimer = setTimeout(signedOut, idle + 5000);
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        redirect: "manual",
      });
      if (response.status !== 204) {
        signedOut();
        return;
      }
    } catch {
      return; // offline: leave the warning up, so they can try again
    }
    dialog.close();
    root.hidden = true;
    schedule();
  });

  schedule();
}

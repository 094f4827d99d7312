// Start GOV.UK Frontend's components. Everything works without this: it only adds the
// character counts, the Exit this page shortcut and error summary focus.
import { initAll } from "/static/build/govuk-frontend.min.js";

initAll();

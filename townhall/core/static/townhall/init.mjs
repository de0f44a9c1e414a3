// Enhance GOV.UK components on every page; pages work without this script.
import { initAll } from "../vendor/govuk-frontend/govuk/govuk-frontend.min.js";

initAll();

// The console in a real browser: Playwright (playwright-core) drives Debian's chromium, headless, against the real
// archive-api that tests/browser/run started and seeded. Each test saves screenshots under build/console-shots/.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { after, before, test } from "node:test";

const fx = JSON.parse(readFileSync(process.env.BROWSER_FIXTURE, "utf8"));
const { chromium } = createRequire(`${process.env.CONSOLE_DIR}/package.json`)("playwright-core");

let browser;
before(async () => {
  // Root (CI) cannot use chromium's own sandbox; the pages are our own.
  browser = await chromium.launch({ executablePath: fx.chromium, args: ["--no-sandbox"] });
});
after(async () => {
  await browser?.close();
});

function sql(query) {
  return execFileSync("psql", [fx.db, "-qAtc", query], { encoding: "utf8" }).trim();
}

// A fresh tab (its own sessionStorage) that records every console error and CSP violation.
async function open(viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport, locale: "zh-CN", acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  return { context, page, errors };
}

async function signIn(page, token) {
  await page.goto(fx.console);
  await page.waitForSelector("#token");
  await page.fill("#token", token);
  await page.click("#sign-in button[type=submit]");
  await page.waitForSelector("header.top");
}

const shot = (page, name) => page.screenshot({ path: `${fx.shots}/${name}.png` });

function rowOf(page, versionId) {
  return page.locator(`#queue-rows tr[data-version="${versionId}"]`);
}

// Waits until the queue shows exactly the one row of versionId (a filter's answer has arrived).
async function onlyRow(page, versionId) {
  await page.waitForFunction((v) => {
    const rows = document.querySelectorAll("#queue-rows tr");
    return rows.length === 1 && rows[0].dataset.version === String(v);
  }, versionId);
}

function versionOf(memberId) {
  return Number(sql(`SELECT current_version_id FROM members WHERE id = ${memberId}`));
}

test("sign-in keeps the token in sessionStorage, never in a URL, under a policy without inline script", async () => {
  const { context, page, errors } = await open();
  const response = await page.goto(fx.console);
  const csp = response.headers()["content-security-policy"];
  assert.match(csp, /script-src 'self';/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  await page.waitForURL(/#\/signin$/);
  await shot(page, "01-sign-in");

  await page.fill("#token", "not-a-token");
  await page.click("#sign-in button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#sign-in-error")?.textContent !== "");
  assert.match(await page.textContent("#sign-in-error"), /令牌无效或已过期/);

  await page.fill("#token", fx.tokens.committee);
  await page.click("#sign-in button[type=submit]");
  await page.waitForURL(/#\/queue$/);
  await page.waitForSelector("#queue-rows tr");
  assert.ok(!page.url().includes(fx.tokens.committee), "the token is in the URL");
  assert.equal(await page.evaluate(() => sessionStorage.getItem("league-archive.token")), fx.tokens.committee);
  assert.equal(await page.evaluate(() => localStorage.length), 0);
  assert.match(await page.textContent("#who"), /团委管理员/);

  // The committee's queue holds both branches' uploads, each with its verdict as a chip.
  const all = [...fx.clean, fx.mismatch, fx.other_branch];
  assert.equal(await page.locator("#queue-rows tr").count(), all.length);
  for (const m of fx.clean) {
    assert.equal(await rowOf(page, versionOf(m.id)).locator(".chip").getAttribute("data-verdict"), "PASS");
  }
  assert.equal(await rowOf(page, versionOf(fx.mismatch.id)).locator(".chip").getAttribute("data-verdict"), "FAIL");
  await shot(page, "02-queue");

  // The filters: by verdict, and by the organization (from the committee's overview).
  await page.selectOption("#filter-verdict", "FAIL");
  await page.click("#queue-filters button[type=submit]");
  await onlyRow(page, versionOf(fx.mismatch.id));
  await page.selectOption("#filter-verdict", "");
  await page.locator(`#filter-org option[value="${fx.orgs.b}"]`).waitFor({ state: "attached" });
  await page.selectOption("#filter-org", String(fx.orgs.b));
  await page.click("#queue-filters button[type=submit]");
  await onlyRow(page, versionOf(fx.other_branch.id));

  await page.click("#sign-out");
  await page.waitForURL(/#\/signin$/);
  assert.equal(await page.evaluate(() => sessionStorage.getItem("league-archive.token")), null);
  assert.deepEqual(errors.filter((e) => !e.includes("401")), []);
  await context.close();
});

test("the approver reads the record beside the upload and approves with the keyboard", async () => {
  const { context, page, errors } = await open();
  await signIn(page, fx.tokens.committee);
  await page.waitForSelector("#queue-rows tr");

  // One upload opened: the record's number and name beside the pre-review's result; approved with "a".
  const first = fx.clean[0];
  const firstVersion = versionOf(first.id);
  await rowOf(page, firstVersion).locator("a").click();
  await page.waitForSelector("#record-number");
  assert.equal(await page.textContent("#record-number"), first.dev_number);
  assert.equal(await page.textContent("#record-name"), first.name);
  assert.equal(await page.locator("#upload .chip[data-verdict]").getAttribute("data-verdict"), "PASS");
  await shot(page, "03-review-pass");
  await page.keyboard.press("a");
  await page.waitForURL(/#\/queue$/);
  await page.waitForSelector("#queue-rows tr");
  assert.equal(sql(`SELECT decision FROM archive_versions WHERE id = ${firstVersion}`), "APPROVED");
  assert.equal(sql(`SELECT archive_status FROM members WHERE id = ${first.id}`), "AUTHENTICATED");
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE member_id = ${first.id} AND to_state = 'AUTHENTICATED'`), "1");

  // j/k move through the queue; "a" approves the row that is current.
  const second = fx.clean[1];
  const secondVersion = versionOf(second.id);
  assert.equal(await rowOf(page, firstVersion).count(), 0, "an approved upload is still in the queue");
  const ids = await page.locator("#queue-rows tr").evaluateAll((rows) => rows.map((r) => Number(r.dataset.version)));
  const target = ids.indexOf(secondVersion);
  assert.ok(target >= 0);
  // The highlight starts on the first row; j down to the target, and one step past it and back (or back and past).
  for (let i = 0; i < target; i++) await page.keyboard.press("j");
  const [away, back] = target + 1 < ids.length ? ["j", "k"] : ["k", "j"];
  await page.keyboard.press(away);
  assert.notEqual(await page.locator("#queue-rows tr.current").getAttribute("data-version"), String(secondVersion));
  await page.keyboard.press(back);
  assert.equal(await page.locator("#queue-rows tr.current").getAttribute("data-version"), String(secondVersion));
  await page.keyboard.press("a");
  await page.waitForFunction((v) => !document.querySelector(`#queue-rows tr[data-version="${v}"]`), secondVersion);
  assert.equal(sql(`SELECT decision FROM archive_versions WHERE id = ${secondVersion}`), "APPROVED");
  assert.equal(sql(`SELECT archive_status FROM members WHERE id = ${second.id}`), "AUTHENTICATED");
  assert.deepEqual(errors, []);
  await context.close();
});

test("the approver rejects with a reason prefilled from the findings and edited", async () => {
  const { context, page, errors } = await open();
  await signIn(page, fx.tokens.committee);
  const m = fx.mismatch;
  const version = versionOf(m.id);
  await page.goto(`${fx.console}#/review/${m.id}/${version}`);
  const finding = page.locator('#findings li[data-code="NUMBER_MISMATCH"]');
  await finding.waitFor();
  // The number read from page 1 beside the record's, and the evidence crop shown (fetched with the token).
  assert.equal(await finding.locator('dd[data-key="expected"]').textContent(), m.dev_number);
  assert.notEqual(await finding.locator('dd[data-key="read"]').textContent(), m.dev_number);
  await page.waitForFunction(() => {
    const img = document.querySelector('#findings li[data-code="NUMBER_MISMATCH"] img.evidence');
    return img && img.complete && img.naturalWidth > 0;
  });
  await shot(page, "04-review-findings");

  await page.click("#reject");
  const reason = page.locator("#reject-reason");
  await reason.waitFor();
  const message = (await finding.locator("strong").textContent()).trim();
  assert.ok((await reason.inputValue()).includes(message), "the reason is not prefilled from the findings");
  const edited = `${await reason.inputValue()}；请重新扫描第1页后上传`;
  await reason.fill(edited);
  await shot(page, "05-reject-dialog");
  await page.click('dialog.modal button[data-action="confirm"]');
  await page.waitForURL(/#\/queue$/);
  assert.equal(sql(`SELECT decision FROM archive_versions WHERE id = ${version}`), "REJECTED");
  assert.equal(sql(`SELECT decision_reason FROM archive_versions WHERE id = ${version}`), edited);
  assert.equal(sql(`SELECT archive_status FROM members WHERE id = ${m.id}`), "REJECTED");
  assert.deepEqual(errors, []);
  await context.close();
});

test("bulk approve takes the PASS items after a confirmation", async () => {
  const { context, page, errors } = await open();
  await signIn(page, fx.tokens.committee);
  await page.waitForSelector("#queue-rows tr");
  const picked = [fx.clean[2], fx.other_branch];
  for (const m of picked) await rowOf(page, versionOf(m.id)).locator("input[type=checkbox]").check();
  assert.match(await page.textContent("#bulk-approve"), /2 份/);
  await page.click("#bulk-approve");
  await page.locator("dialog.modal").waitFor();
  await shot(page, "06-bulk-confirm");
  // Cancelled, nothing is decided; confirmed, each is.
  await page.click('dialog.modal button[data-action="cancel"]');
  for (const m of picked) assert.equal(sql(`SELECT archive_status FROM members WHERE id = ${m.id}`), "PENDING");
  await page.click("#bulk-approve");
  await page.click('dialog.modal button[data-action="confirm"]');
  await page.waitForFunction(() => document.querySelectorAll("#queue-rows tr").length === 0);
  for (const m of picked) {
    assert.equal(sql(`SELECT decision FROM archive_versions WHERE id = ${versionOf(m.id)}`), "APPROVED");
    assert.equal(sql(`SELECT archive_status FROM members WHERE id = ${m.id}`), "AUTHENTICATED");
  }
  await shot(page, "07-queue-empty");
  assert.deepEqual(errors, []);
  await context.close();
});

test("a branch admin sees their own branch and none of another's", async () => {
  const { context, page, errors } = await open();
  await signIn(page, fx.tokens.branch_a);
  await page.waitForURL(/#\/members$/);
  await page.waitForSelector("#member-rows tr");
  assert.equal(await page.locator('nav a[data-nav="queue"]').count(), 0);
  const names = await page.locator("#member-rows tr td:first-child").allTextContents();
  assert.deepEqual(names.sort(), [...fx.clean, fx.mismatch].map((m) => m.name).sort());
  const ids = await page.locator("#member-rows tr").evaluateAll((rows) => rows.map((r) => Number(r.dataset.member)));
  assert.ok(!ids.includes(fx.other_branch.id), "branch A's admin sees branch B's member");
  // The status filter: only the rejected member; then all again.
  await page.check('#member-filters input[value="REJECTED"]');
  await page.click("#member-filters button[type=submit]");
  await page.waitForFunction(
    (id) => [...document.querySelectorAll("#member-rows tr")].map((r) => r.dataset.member).join() === String(id),
    fx.mismatch.id,
  );
  await page.uncheck('#member-filters input[value="REJECTED"]');
  await page.click("#member-filters button[type=submit]");
  await page.waitForFunction((n) => document.querySelectorAll("#member-rows tr").length === n, ids.length);

  // R7: the rejected member's archive must be uploaded again.
  await page.waitForSelector('#banners p[data-code="ARCHIVE_NOT_UPLOADED"]');
  await shot(page, "08-branch-members");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-members")]);
  assert.match(download.suggestedFilename(), /\.xlsx$/);
  const bytes = readFileSync(await download.path());
  assert.equal(bytes.subarray(0, 2).toString(), "PK", "the export is not an .xlsx (zip) file");

  // The rejected member's archive, read only: the findings with their evidence and the committee's reason.
  await page.click(`#member-rows tr[data-member="${fx.mismatch.id}"] a`);
  await page.locator('#findings li[data-code="NUMBER_MISMATCH"] img.evidence').waitFor();
  assert.match(await page.textContent("#decision-reason"), /请重新扫描第1页后上传/);
  assert.equal(await page.locator("#approve, #reject").count(), 0, "a branch admin is offered a decision");
  await page.waitForFunction(() => [...document.querySelectorAll("img.evidence")].every((i) => i.complete && i.naturalWidth > 0));
  await shot(page, "09-branch-member-archive");

  // The rejection reached branch A's 操作中心.
  await page.click('nav a[data-nav="notifications"]');
  await page.waitForSelector("#feed li[data-kind]");
  assert.match(await page.textContent("#feed"), /请重新扫描第1页后上传/);
  await shot(page, "10-branch-notifications");

  // The approver's desk is not theirs, and the API answers another branch's data with 404 to their token.
  await page.goto(`${fx.console}#/queue`);
  await page.waitForURL(/#\/members$/);
  const answers = await page.evaluate(
    async ({ b, other }) => {
      const headers = { Authorization: `Bearer ${sessionStorage.getItem("league-archive.token")}` };
      const list = await fetch(`/v1/organizations/${b}/members`, { headers });
      const member = await fetch(`/v1/members/${other}/archive`, { headers });
      return [list.status, member.status];
    },
    { b: fx.orgs.b, other: fx.other_branch.id },
  );
  assert.deepEqual(answers, [404, 404]);
  await page.goto(`${fx.console}#/review/${fx.other_branch.id}/${versionOf(fx.other_branch.id)}`);
  await page.waitForURL(/#\/members$/);
  assert.deepEqual(errors.filter((e) => !e.includes("404")), []);
  await context.close();

  // Branch B's admin sees only branch B's member.
  const b = await open();
  await signIn(b.page, fx.tokens.branch_b);
  await b.page.waitForSelector("#member-rows tr");
  const bIds = await b.page.locator("#member-rows tr").evaluateAll((rows) => rows.map((r) => Number(r.dataset.member)));
  assert.deepEqual(bIds, [fx.other_branch.id]);
  // Nor branch A's evidence crops, which branch A's admin may fetch.
  const finding = sql(`SELECT id FROM prereview_findings WHERE evidence_uri IS NOT NULL AND version_id = ${versionOf(fx.mismatch.id)} LIMIT 1`);
  const evidence = (p) =>
    p.evaluate(async (id) => {
      const headers = { Authorization: `Bearer ${sessionStorage.getItem("league-archive.token")}` };
      return (await fetch(`/v1/findings/${id}/evidence`, { headers })).status;
    }, finding);
  assert.equal(await evidence(b.page), 404);
  const a = await open();
  await signIn(a.page, fx.tokens.branch_a);
  assert.equal(await evidence(a.page), 200);
  await a.context.close();
  await b.context.close();
});

test("on a tablet the review reads top to bottom without sideways scrolling", async () => {
  const { context, page, errors } = await open({ width: 820, height: 1180 });
  await signIn(page, fx.tokens.committee);
  const m = fx.mismatch;
  await page.goto(`${fx.console}#/review/${m.id}/${versionOf(m.id)}`);
  await page.locator('#findings li[data-code="NUMBER_MISMATCH"]').waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll("img.evidence")].every((i) => i.complete));
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
  await shot(page, "11-tablet-review");
  await page.click('nav a[data-nav="members"]');
  await page.waitForSelector("#member-rows tr");
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
  await shot(page, "12-tablet-members");
  assert.deepEqual(errors, []);
  await context.close();
});

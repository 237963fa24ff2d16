import { ApiError, get, Page as ApiPage, post, query, QueueItem } from "./api";
import { verdictChip } from "./chips";
import { clear, h, modal, toast, when } from "./dom";
import type { Page } from "./main";
import { S } from "./strings";

// The approver's desk: GET /v1/approvals (what can still be decided), filtered by verdict and upload day, paged by
// next_cursor; one item opens its review; PASS items can be approved together after a confirmation.
interface Filters {
  verdict: string;
  org_id: string;
  uploaded_from: string;
  uploaded_to: string;
}

const filters: Filters = { verdict: "", org_id: "", uploaded_from: "", uploaded_to: "" };

export async function renderQueue(page: Page): Promise<void> {
  const items: QueueItem[] = [];
  const selected = new Set<number>();
  let cursor: string | null = null;
  let current = 0;

  const verdict = h(
    "select",
    { id: "filter-verdict", name: "verdict" },
    h("option", { value: "" }, S.queue.any),
    ...["PASS", "WARN", "FAIL", "NONE"].map((v) => h("option", { value: v }, S.verdicts[v])),
  );
  verdict.value = filters.verdict;
  // The organizations this committee decides for, with what waits in each (GET /v1/approvals/overview).
  const org = h("select", { id: "filter-org", name: "org_id" }, h("option", { value: "" }, S.queue.any));
  get<{ items: { org: { id: number; name: string }; pending: number }[] }>("/v1/approvals/overview")
    .then((r) => {
      for (const o of r.items) org.append(h("option", { value: String(o.org.id) }, S.queue.orgOption(o.org.name, o.pending)));
      org.value = filters.org_id;
    })
    .catch((e: Error) => toast(e.message, "error"));
  const from = h("input", { type: "date", id: "filter-from", value: filters.uploaded_from });
  const to = h("input", { type: "date", id: "filter-to", value: filters.uploaded_to });
  const form = h(
    "form",
    { class: "filters", id: "queue-filters" },
    h("label", {}, S.queue.verdict, verdict),
    h("label", {}, S.queue.org, org),
    h("label", {}, S.queue.uploadedFrom, from),
    h("label", {}, S.queue.uploadedTo, to),
    h("button", { type: "submit", class: "secondary" }, S.queue.apply),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    filters.verdict = verdict.value;
    filters.org_id = org.value;
    filters.uploaded_from = from.value;
    filters.uploaded_to = to.value;
    void reload();
  });

  const bulk = h("button", { type: "button", class: "primary", id: "bulk-approve", disabled: true }, S.queue.bulkApprove(0));
  bulk.addEventListener("click", () => void bulkApprove());
  const body = h("tbody", { id: "queue-rows" });
  const table = h(
    "table",
    { class: "list", id: "queue" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { class: "narrow" }, S.queue.select),
        h("th", {}, S.queue.member),
        h("th", {}, S.queue.devNumber),
        h("th", {}, S.queue.org),
        h("th", {}, S.queue.uploadedAt),
        h("th", {}, S.queue.verdict),
      ),
    ),
    body,
  );
  const more = h("button", { type: "button", class: "secondary", id: "load-more" }, S.loadMore);
  more.addEventListener("click", () => void load());
  const status = h("p", { class: "muted", id: "queue-status" });
  clear(
    page.main,
    h("div", { class: "toolbar" }, h("h1", {}, S.queue.title), bulk),
    form,
    h("p", { class: "muted small" }, S.queue.shortcuts),
    table,
    status,
    more,
  );

  function open(item: QueueItem, reject = false): void {
    location.hash = `#/review/${item.member.id}/${item.version_id}${reject ? "/reject" : ""}`;
  }

  function renderRows(): void {
    clear(body);
    items.forEach((item, i) => {
      const box = h("input", {
        type: "checkbox",
        "aria-label": item.member.name,
        disabled: item.verdict !== "PASS",
        checked: selected.has(item.version_id),
      });
      box.addEventListener("click", (e) => e.stopPropagation());
      box.addEventListener("change", () => {
        if (box.checked) selected.add(item.version_id);
        else selected.delete(item.version_id);
        updateBulk();
      });
      const row = h(
        "tr",
        { class: i === current ? "current" : "", "data-version": item.version_id, tabindex: -1 },
        h("td", { class: "narrow" }, box),
        h("td", {}, h("a", { href: `#/review/${item.member.id}/${item.version_id}` }, item.member.name), h("div", { class: "muted small" }, item.member.id_card_masked)),
        h("td", { class: "mono" }, item.member.dev_number ?? ""),
        h("td", {}, item.org.name),
        h("td", {}, when(item.uploaded_at)),
        h("td", {}, verdictChip(item.verdict)),
      );
      row.addEventListener("click", () => {
        current = i;
        markCurrent();
      });
      row.addEventListener("dblclick", () => open(item));
      body.append(row);
    });
    status.textContent = items.length === 0 ? S.empty : cursor ? "" : S.noMore;
    more.hidden = !cursor;
  }

  // Moves the highlight without rebuilding the rows (a link being clicked must stay in the page).
  function markCurrent(): void {
    body.querySelectorAll("tr").forEach((row, i) => row.classList.toggle("current", i === current));
    body.querySelector("tr.current")?.scrollIntoView({ block: "nearest" });
  }

  function updateBulk(): void {
    bulk.textContent = S.queue.bulkApprove(selected.size);
    bulk.disabled = selected.size === 0;
  }

  async function load(): Promise<void> {
    try {
      const page_ = await get<ApiPage<QueueItem>>(
        "/v1/approvals" + query({ ...filters, limit: 50, cursor: cursor ?? undefined }),
      );
      items.push(...page_.items);
      cursor = page_.next_cursor;
      renderRows();
    } catch (e) {
      toast((e as Error).message, "error");
    }
  }

  async function reload(): Promise<void> {
    items.length = 0;
    selected.clear();
    cursor = null;
    current = 0;
    updateBulk();
    status.textContent = S.loading;
    await load();
  }

  async function approve(item: QueueItem): Promise<void> {
    try {
      await post(`/v1/approvals/${item.version_id}/approve`);
      toast(S.queue.approved(item.member.name));
      await reload();
    } catch (e) {
      toast((e as ApiError).message, "error");
    }
  }

  async function bulkApprove(): Promise<void> {
    const ids = [...selected];
    if (!(await modal(S.queue.bulkConfirmTitle, h("p", {}, S.queue.bulkConfirm(ids.length)), S.confirm, S.cancel))) return;
    try {
      const r = await post<{ approved: number; failed: number }>("/v1/approvals/approve", { version_ids: ids });
      toast(S.queue.bulkDone(r.approved, r.failed), r.failed ? "error" : "ok");
      await reload();
    } catch (e) {
      toast((e as ApiError).message, "error");
    }
  }

  const onKey = (e: KeyboardEvent) => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.ctrlKey || e.metaKey || e.altKey) return;
    if (document.querySelector("dialog[open]")) return;
    const item = items[current];
    if (e.key === "j" && current + 1 < items.length) current += 1;
    else if (e.key === "k" && current > 0) current -= 1;
    else if (e.key === "Enter" && item) return open(item);
    // A FAIL is approved only from its review, with the findings in view.
    else if (e.key === "a" && item) return item.verdict === "FAIL" ? open(item) : void approve(item);
    else if (e.key === "r" && item) return open(item, true);
    else return;
    markCurrent();
  };
  document.addEventListener("keydown", onKey);
  page.onLeave(() => document.removeEventListener("keydown", onKey));
  await reload();
}

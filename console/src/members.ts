import { download, get, MemberRow, Page as ApiPage, query } from "./api";
import { statusChip } from "./chips";
import { clear, h, toast } from "./dom";
import type { Page } from "./main";
import { S } from "./strings";

// The member database of the caller's organization subtree: GET /v1/organizations/{id}/members by archive status and
// overdue, paged by next_cursor, and the .xlsx exports of the same list and of the statistics per subordinate.
const kStatuses = ["NOT_UPLOADED", "PENDING", "REJECTED", "AUTHENTICATED", "EXEMPT"];

export async function renderMembers(page: Page): Promise<void> {
  const org = page.me.org_id!;
  const rows: MemberRow[] = [];
  let cursor: string | null = null;

  const boxes = kStatuses.map((s) => h("input", { type: "checkbox", value: s, name: "status" }));
  const overdue = h("input", { type: "checkbox", id: "filter-overdue" });
  const form = h(
    "form",
    { class: "filters", id: "member-filters" },
    h("span", {}, S.members.status),
    ...boxes.map((b) => h("label", { class: "check" }, b, S.statuses[b.value])),
    h("label", { class: "check" }, overdue, S.members.overdue),
    h("button", { type: "submit", class: "secondary" }, S.members.apply),
  );
  const params = () => ({
    status: boxes.filter((b) => b.checked).map((b) => b.value).join(","),
    overdue: overdue.checked ? "true" : undefined,
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void reload();
  });
  const exportMembers = h("button", { type: "button", class: "secondary", id: "export-members" }, S.members.exportMembers);
  exportMembers.addEventListener("click", () =>
    download(`/v1/organizations/${org}/members/export` + query(params()), "members.xlsx")
      .then(() => toast(S.members.exported))
      .catch((e: Error) => toast(e.message, "error")),
  );
  const exportStats = h("button", { type: "button", class: "secondary", id: "export-statistics" }, S.members.exportStatistics);
  exportStats.addEventListener("click", () =>
    download(`/v1/organizations/${org}/archive-statistics/export`, "statistics.xlsx")
      .then(() => toast(S.members.exported))
      .catch((e: Error) => toast(e.message, "error")),
  );

  // The R7 banners of the subtree ("组织内有团员档案尚未上传" …), as the API words them.
  const banners = h("div", { class: "banners", id: "banners" });
  get<{ banners: { code: string; message: string; count: number }[] }>(`/v1/organizations/${org}/reminders`)
    .then((r) => {
      for (const b of r.banners) banners.append(h("p", { class: "notice", "data-code": b.code }, b.message));
    })
    .catch((e: Error) => toast(e.message, "error"));

  const body = h("tbody", { id: "member-rows" });
  const status = h("p", { class: "muted", id: "members-status" });
  const more = h("button", { type: "button", class: "secondary", id: "load-more" }, S.loadMore);
  more.addEventListener("click", () => void load());
  clear(
    page.main,
    h("div", { class: "toolbar" }, h("h1", {}, S.members.title), exportMembers, exportStats),
    banners,
    form,
    h(
      "table",
      { class: "list", id: "members" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...[S.members.name, S.members.idCard, S.members.devNumber, S.members.joinedOn, S.members.org, S.members.status, S.members.deadline].map((t) =>
            h("th", {}, t),
          ),
        ),
      ),
      body,
    ),
    status,
    more,
  );

  function render(): void {
    clear(body);
    for (const m of rows) {
      body.append(
        h(
          "tr",
          { "data-member": m.id },
          h("td", {}, h("a", { href: `#/member/${m.id}` }, m.name)),
          h("td", { class: "mono" }, m.id_card_masked),
          h("td", { class: "mono" }, m.dev_number ?? ""),
          h("td", {}, m.joined_on),
          h("td", {}, m.org.name),
          h("td", {}, statusChip(m.archive_status, m.archive_status_text)),
          h("td", {}, m.upload_deadline ?? "", m.overdue ? h("span", { class: "chip chip-fail" }, S.members.overdueMark) : null),
        ),
      );
    }
    status.textContent = rows.length === 0 ? S.empty : cursor ? "" : S.noMore;
    more.hidden = !cursor;
  }

  async function load(): Promise<void> {
    try {
      const p = await get<ApiPage<MemberRow>>(`/v1/organizations/${org}/members` + query({ ...params(), cursor: cursor ?? undefined }));
      rows.push(...p.items);
      cursor = p.next_cursor;
      render();
    } catch (e) {
      status.textContent = (e as Error).message;
      status.className = "error";
    }
  }

  async function reload(): Promise<void> {
    rows.length = 0;
    cursor = null;
    status.textContent = S.loading;
    await load();
  }
  await reload();
}

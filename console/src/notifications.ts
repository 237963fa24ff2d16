import { get, Notice, post, query } from "./api";
import { clear, h, toast, when } from "./dom";
import type { Page } from "./main";
import { S } from "./strings";

// The 操作中心 feed of the caller's organization: GET /v1/notifications, mark all read.
export async function renderNotifications(page: Page): Promise<void> {
  const unread = h("input", { type: "checkbox", id: "unread-only" });
  const count = h("span", { class: "chip", id: "unread-count" });
  const list = h("ol", { class: "feed", id: "feed" });
  const markAll = h("button", { type: "button", class: "secondary", id: "mark-all-read" }, S.notifications.markAllRead);
  clear(
    page.main,
    h("div", { class: "toolbar" }, h("h1", {}, S.notifications.title), count, markAll),
    h("label", { class: "check" }, unread, S.notifications.unreadOnly),
    list,
  );
  async function load(): Promise<void> {
    try {
      const r = await get<{ items: Notice[]; unread: number }>("/v1/notifications" + query({ unread: unread.checked ? "true" : undefined }));
      count.textContent = S.notifications.unreadCount(r.unread);
      clear(list);
      for (const n of r.items) {
        list.append(
          h(
            "li",
            { class: n.read_at ? "read" : "unread", "data-kind": n.kind },
            h("div", { class: "feed-head" }, h("strong", {}, n.title), h("span", { class: "muted small" }, when(n.created_at)), n.read_at ? h("span", { class: "muted small" }, S.notifications.read) : null),
            h("p", {}, n.text),
            n.member_id ? h("a", { href: `#/member/${n.member_id}`, class: "small" }, S.notifications.openMember) : null,
          ),
        );
      }
      if (r.items.length === 0) list.append(h("li", { class: "muted" }, S.empty));
    } catch (e) {
      toast((e as Error).message, "error");
    }
  }
  unread.addEventListener("change", () => void load());
  markAll.addEventListener("click", () =>
    post("/v1/notifications/read", { all: true })
      .then(load)
      .catch((e: Error) => toast(e.message, "error")),
  );
  await load();
}

import "./style.css";
import { ApiError, get, Me, setToken, token, whenUnauthenticated } from "./api";
import { clear, h } from "./dom";
import { renderMembers } from "./members";
import { renderNotifications } from "./notifications";
import { renderQueue } from "./queue";
import { renderReview } from "./review";
import { renderSignIn } from "./signin";
import { S } from "./strings";

// The console's shell: who is signed in, the navigation, and the hash routes (#/queue, #/review/M/V, #/members,
// #/notifications, #/signin). Routes live in the hash so that nothing but this page's files is ever asked of the
// server, and the token never appears in a URL.
let me: Me | null = null;
let cleanup: (() => void) | null = null;

export interface Page {
  me: Me;
  main: HTMLElement;
  // Called when the page is left (keyboard handlers and blob: URLs are released).
  onLeave(fn: () => void): void;
}

function home(m: Me): string {
  if (m.role === "committee_admin") return "#/queue";
  if (m.role === "branch_admin") return "#/members";
  return "#/notifications";
}

async function currentUser(): Promise<Me | null> {
  if (!token()) return null;
  if (me) return me;
  try {
    me = await get<Me>("/v1/me");
    return me;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export function signOut(): void {
  setToken(null);
  me = null;
  location.hash = "#/signin";
}

function shell(m: Me, active: string): HTMLElement {
  const link = (hash: string, label: string, name: string) =>
    h("a", { href: hash, class: active === name ? "active" : "", "data-nav": name }, label);
  const nav = h(
    "nav",
    { class: "nav" },
    m.role === "committee_admin" && link("#/queue", S.nav.queue, "queue"),
    (m.role === "committee_admin" || m.role === "branch_admin") && link("#/members", S.nav.members, "members"),
    (m.role === "committee_admin" || m.role === "branch_admin") &&
      link("#/notifications", S.nav.notifications, "notifications"),
  );
  const main = h("main", { id: "main" });
  const header = h(
    "header",
    { class: "top" },
    h("span", { class: "brand" }, S.appTitle),
    nav,
    h(
      "span",
      { class: "who" },
      h("span", { id: "who" }, S.signIn.signedInAs(m.login, S.roles[m.role] ?? m.role)),
      h("button", { type: "button", class: "link", id: "sign-out", onclick: signOut }, S.signIn.signOut),
    ),
  );
  clear(document.getElementById("app")!, header, main);
  return main;
}

async function route(): Promise<void> {
  cleanup?.();
  cleanup = null;
  const hash = location.hash || "#/";
  const parts = hash.replace(/^#\/?/, "").split("/");
  const app = document.getElementById("app")!;
  if (parts[0] === "signin") {
    renderSignIn(app, (m) => {
      me = m;
      location.hash = home(m);
    });
    return;
  }
  const m = await currentUser();
  if (!m) {
    location.hash = "#/signin";
    return;
  }
  const leaving: Array<() => void> = [];
  cleanup = () => leaving.forEach((fn) => fn());
  const page = (name: string): Page => ({ me: m, main: shell(m, name), onLeave: (fn) => leaving.push(fn) });
  switch (parts[0]) {
    case "queue":
      if (m.role !== "committee_admin") break;
      return renderQueue(page("queue"));
    case "review":
      if (m.role !== "committee_admin") break;
      return renderReview(page("queue"), Number(parts[1]), Number(parts[2]), parts[3] === "reject");
    case "member":
      if (m.role === "committee_admin" || m.role === "branch_admin") return renderReview(page("members"), Number(parts[1]), null, false);
      break;
    case "members":
      if (m.role === "committee_admin" || m.role === "branch_admin") return renderMembers(page("members"));
      break;
    case "notifications":
      if (m.role === "committee_admin" || m.role === "branch_admin") return renderNotifications(page("notifications"));
      clear(page("notifications").main, h("p", { class: "notice" }, S.memberOnly));
      return;
  }
  location.hash = home(m);
}

whenUnauthenticated(() => {
  me = null;
  setToken(null);
  location.hash = "#/signin";
});
window.addEventListener("hashchange", () => void route());
void route();

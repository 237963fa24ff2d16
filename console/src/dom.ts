// A few helpers to build the DOM without HTML strings: text goes in as text, never as markup.
type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === "function") el.addEventListener(k.replace(/^on/, ""), v);
    else if (k === "class") el.className = String(v);
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c);
  }
  return el;
}

export function clear(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  for (const c of children) if (c) el.append(c);
}

// "2026-12-08T01:02:03.456+00" (PostgreSQL) as local "2026-12-08 09:02".
export function when(text: string | null | undefined): string {
  if (!text) return "";
  const d = new Date(text.replace(" ", "T").replace(/([+-]\d\d)$/, "$1:00"));
  if (Number.isNaN(d.getTime())) return text;
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

let toastTimer: number | undefined;
export function toast(message: string, kind: "ok" | "error" = "ok"): void {
  let el = document.getElementById("toast");
  if (!el) {
    el = h("div", { id: "toast", role: "status", "aria-live": "polite" });
    document.body.append(el);
  }
  el.className = `toast toast-${kind}`;
  el.textContent = message;
  window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => el?.classList.add("toast-hidden"), 6000);
}

// A modal dialog (<dialog>): resolves with what onConfirm returns, or null when cancelled.
export function modal(title: string, body: Node, confirmText: string, cancelText: string): Promise<boolean> {
  return new Promise((resolve) => {
    const dialog = h("dialog", { class: "modal" });
    const done = (ok: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(ok);
    };
    dialog.append(
      h("h2", {}, title),
      body,
      h(
        "div",
        { class: "modal-actions" },
        h("button", { type: "button", class: "secondary", "data-action": "cancel", onclick: () => done(false) }, cancelText),
        h("button", { type: "button", class: "primary", "data-action": "confirm", onclick: () => done(true) }, confirmText),
      ),
    );
    dialog.addEventListener("cancel", (e) => {
      e.preventDefault();
      done(false);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

import { ApiError, get, Me, setToken } from "./api";
import { clear, h } from "./dom";
import { S } from "./strings";

// The sign-in page: a token from `archivectl token issue`, checked with GET /v1/me before it is kept.
export function renderSignIn(app: HTMLElement, signedIn: (me: Me) => void): void {
  const input = h("input", {
    type: "password",
    id: "token",
    name: "token",
    autocomplete: "off",
    spellcheck: "false",
    placeholder: S.signIn.tokenPlaceholder,
  });
  const error = h("p", { class: "error", id: "sign-in-error", role: "alert" });
  const form = h(
    "form",
    { class: "sign-in", id: "sign-in" },
    h("h1", {}, S.signIn.title),
    h("p", { class: "muted" }, S.signIn.intro),
    h("label", { for: "token" }, S.signIn.tokenLabel),
    input,
    error,
    h("button", { type: "submit", class: "primary" }, S.signIn.submit),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const value = input.value.trim();
    error.textContent = "";
    if (!value) {
      error.textContent = S.signIn.empty;
      return;
    }
    try {
      const me = await get<Me>("/v1/me", value);
      setToken(value);
      input.value = "";
      signedIn(me);
    } catch (err) {
      error.textContent = err instanceof ApiError && err.status === 401 ? S.signIn.rejected : (err as Error).message;
    }
  });
  clear(app, h("div", { class: "center" }, form));
  input.focus();
}

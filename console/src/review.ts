import { ApiError, ArchiveStatus, blobUrl, download, Finding, get, post } from "./api";
import { statusChip, verdictChip } from "./chips";
import { clear, h, modal, toast, when } from "./dom";
import type { Page } from "./main";
import { S } from "./strings";

// One upload on the approver's desk: the record (number and name) beside what the pre-review read, each finding
// with its evidence crop, and the decision: approve, or reject with a reason prefilled from the findings.

// The findings as the reason of a rejection, worst first, as the API's reason_from_findings writes it.
export function reasonFromFindings(findings: Finding[]): string {
  const parts: string[] = [];
  for (const severity of ["fail", "warn"]) {
    for (const f of findings) if (f.severity === severity) parts.push(f.message);
  }
  return parts.join("；");
}

function values(evidence: Record<string, unknown>): HTMLElement | null {
  // The values the pre-review read and compared; its machine words (e.g. cause) are said by the message already.
  const entries = Object.entries(evidence ?? {}).filter(([k, v]) => k in S.valueLabels && v !== null && typeof v !== "object");
  if (entries.length === 0) return null;
  return h(
    "dl",
    { class: "values" },
    ...entries.flatMap(([k, v]) => [h("dt", {}, S.valueLabels[k] ?? k), h("dd", { class: "mono", "data-key": k }, String(v))]),
  );
}

// versionId null: the member's current upload, read only (a branch admin's view of its own member: why it failed or
// was rejected). The decision is offered only to a committee admin reviewing a given version from the queue.
export async function renderReview(page: Page, memberId: number, versionId: number | null, rejectNow: boolean): Promise<void> {
  const deciding = versionId !== null && page.me.role === "committee_admin";
  const back = deciding ? "#/queue" : "#/members";
  clear(page.main, h("p", { class: "muted" }, S.loading));
  let a: ArchiveStatus;
  try {
    a = await get<ArchiveStatus>(`/v1/members/${memberId}/archive`);
  } catch (e) {
    clear(page.main, h("p", { class: "error" }, (e as Error).message), h("a", { href: back }, S.back));
    return;
  }
  const v = a.current_version;
  const urls: string[] = [];
  page.onLeave(() => urls.forEach((u) => URL.revokeObjectURL(u)));

  const record = h(
    "section",
    { class: "card record", id: "record" },
    h("h2", {}, S.review.record),
    h(
      "dl",
      { class: "fields" },
      h("dt", {}, S.review.name),
      h("dd", { id: "record-name" }, a.name),
      h("dt", {}, S.review.devNumber),
      h("dd", { class: "mono", id: "record-number" }, a.dev_number ?? ""),
      h("dt", {}, S.review.idCard),
      h("dd", { class: "mono" }, a.id_card_masked),
      h("dt", {}, S.review.org),
      h("dd", {}, a.org.name),
      h("dt", {}, S.review.joinedOn),
      h("dd", {}, a.joined_on),
      h("dt", {}, S.review.status),
      h("dd", {}, statusChip(a.archive_status, a.archive_status_text)),
    ),
  );

  if (!v || (versionId !== null && v.id !== versionId)) {
    clear(page.main, h("a", { href: back, class: "back" }, S.back), h("div", { class: "review" }, record, h("p", { class: "notice" }, S.review.noCurrent)));
    return;
  }

  const findingsList = h("ol", { class: "findings", id: "findings" });
  for (const f of v.findings) {
    const img = f.evidence_url ? h("img", { class: "evidence", alt: S.review.evidenceAlt(f.code), "data-finding": f.id }) : null;
    if (img && f.evidence_url) {
      blobUrl(f.evidence_url)
        .then((u) => {
          urls.push(u);
          img.src = u;
        })
        .catch((e: Error) => img.replaceWith(h("span", { class: "error small" }, e.message)));
    }
    findingsList.append(
      h(
        "li",
        { class: `finding severity-${f.severity}`, "data-code": f.code },
        h(
          "div",
          { class: "finding-head" },
          h("span", { class: `chip sev-${f.severity}` }, S.severities[f.severity] ?? f.severity),
          h("strong", {}, f.message),
          f.page ? h("span", { class: "muted small" }, S.review.page(f.page)) : null,
        ),
        values(f.evidence),
        img,
      ),
    );
  }
  if (v.findings.length === 0) findingsList.append(h("li", { class: "muted" }, S.review.noFindings));

  const decided = !deciding || v.decision !== null;
  const approveButton = h("button", { type: "button", class: "primary", id: "approve", disabled: decided }, S.review.approve);
  const rejectButton = h("button", { type: "button", class: "danger", id: "reject", disabled: decided }, S.review.reject);
  const downloadButton = h("button", { type: "button", class: "secondary", id: "download" }, S.review.download);
  downloadButton.addEventListener("click", () =>
    download(`/v1/members/${a.member_id}/archive/versions/${v.version_no}/file`, `archive-v${v.version_no}.pdf`).catch((e: Error) =>
      toast(e.message, "error"),
    ),
  );

  async function approve(): Promise<void> {
    try {
      await post(`/v1/approvals/${v!.id}/approve`);
      toast(S.queue.approved(a.name));
      location.hash = "#/queue";
    } catch (e) {
      toast((e as ApiError).message, "error");
    }
  }

  async function reject(): Promise<void> {
    const reason = h("textarea", { id: "reject-reason", rows: 5, maxlength: 600 });
    reason.value = reasonFromFindings(v!.findings);
    const error = h("p", { class: "error", role: "alert" });
    const body = h(
      "div",
      {},
      h("label", { for: "reject-reason" }, S.review.rejectReason),
      reason,
      h("p", { class: "muted small" }, S.review.rejectReasonHint),
      error,
    );
    for (;;) {
      const focus = setTimeout(() => reason.focus(), 0);
      const ok = await modal(S.review.rejectTitle, body, S.review.rejectSubmit, S.cancel);
      clearTimeout(focus);
      if (!ok) return;
      if (!reason.value.trim()) {
        error.textContent = S.review.reasonRequired;
        continue;
      }
      try {
        await post(`/v1/approvals/${v!.id}/reject`, { reason: reason.value.trim() });
        toast(S.queue.rejected(a.name));
        location.hash = "#/queue";
        return;
      } catch (e) {
        error.textContent = (e as ApiError).message;
      }
    }
  }

  approveButton.addEventListener("click", () => void approve());
  rejectButton.addEventListener("click", () => void reject());

  const upload = h(
    "section",
    { class: "card upload", id: "upload" },
    h(
      "div",
      { class: "upload-head" },
      h("h2", {}, S.review.version(v.version_no)),
      verdictChip(v.verdict),
      h("span", { class: "muted small" }, `${S.review.uploadedAt} ${when(v.uploaded_at)}`),
    ),
    v.decision === "REJECTED" && v.decision_reason ? h("p", { class: "notice", id: "decision-reason" }, S.review.decisionReason(v.decision_reason)) : null,
    h("div", { class: "page-preview", id: "page-preview" }, h("h3", {}, S.review.pagePreview), h("p", { class: "muted" }, S.review.pagePreviewLater)),
    h("h3", {}, S.review.findings),
    findingsList,
  );

  clear(
    page.main,
    h("div", { class: "toolbar" }, h("a", { href: back, class: "back" }, S.back), h("h1", {}, `${deciding ? S.review.title : S.review.viewTitle} · ${a.name}`)),
    h("div", { class: "review" }, record, upload),
    h(
      "div",
      { class: "actions sticky" },
      deciding && decided ? h("span", { class: "muted" }, S.review.decided) : null,
      downloadButton,
      deciding ? rejectButton : null,
      deciding ? approveButton : null,
    ),
  );

  const onKey = (e: KeyboardEvent) => {
    if (decided || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLInputElement || e.ctrlKey || e.metaKey || e.altKey) return;
    if (document.querySelector("dialog[open]")) return;
    if (e.key === "a") void approve();
    else if (e.key === "r") void reject();
  };
  document.addEventListener("keydown", onKey);
  page.onLeave(() => document.removeEventListener("keydown", onKey));
  if (rejectNow && !decided) void reject();
}

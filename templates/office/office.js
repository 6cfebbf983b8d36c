// The office pages' script: every change goes through the JSON API with the session's CSRF token.
"use strict";

const csrf = () => (document.querySelector('meta[name="csrf"]') || {}).content || "";
const say = (text) => { document.getElementById("status").textContent = text; };

async function api(method, url, body) {
  const response = await fetch(url, {
    method, credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf()},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = {};
  try { data = await response.json(); } catch (e) { data = {error: "服务器没有给出说明"}; }
  return {status: response.status, data};
}

// Save each changed figure; true when every save was accepted.
async function saveFigures() {
  let allSaved = true, saved = 0;
  for (const row of document.querySelectorAll("#figures tbody tr")) {
    const input = row.querySelector("input.value"), note = row.querySelector("input.note"), result = row.querySelector(".result");
    if (input.disabled || (input.value.trim() === row.dataset.saved && !note.value.trim())) continue;
    const {status, data} = await api("PUT", `/api/years/${location.pathname.split("/")[2]}/figures/${encodeURIComponent(row.dataset.name)}`,
      {value: input.value, note: note.value, version: row.dataset.version});
    if (status === 200) {
      row.dataset.version = data.version; row.dataset.saved = String(data.value); input.value = data.value; note.value = "";
      result.textContent = "已保存"; result.className = "result ok"; saved += 1;
    } else {
      result.textContent = data.error; result.className = "result"; allSaved = false;
    }
  }
  say(allSaved ? `已保存 ${saved} 项` : "有数字未能保存，请看各行的说明");
  return allSaved;
}

async function step(url, body) {
  const {status, data} = await api("POST", url, body);
  if (status === 200) { location.reload(); } else { say(data.error); }
}

document.addEventListener("DOMContentLoaded", () => {
  const login = document.getElementById("login");
  if (login) login.addEventListener("submit", async (event) => {
    event.preventDefault();
    const {status, data} = await api("POST", "/api/login", {user: login.user.value, password: login.password.value});
    if (status === 200) { location.reload(); } else { say(data.error); }
  });
  const logout = document.getElementById("logout");
  if (logout) logout.addEventListener("click", async () => { await api("POST", "/api/logout"); location.href = "/"; });
  const save = document.getElementById("save");
  if (save) save.addEventListener("click", saveFigures);
  const submit = document.getElementById("submit");
  if (submit) submit.addEventListener("click", async () => {
    if (!(await saveFigures())) return;
    await step(`/api/years/${submit.dataset.year}/units/${encodeURIComponent(submit.dataset.unit)}/submit`);
  });
  for (const button of document.querySelectorAll("button.step")) button.addEventListener("click", () => {
    const reason = button.parentElement.querySelector("input.reason");
    step(`/api/years/${button.dataset.year}/units/${encodeURIComponent(button.dataset.unit)}/${button.dataset.step}`, {reason: reason ? reason.value : ""});
  });
  for (const button of document.querySelectorAll("button.upload")) button.addEventListener("click", async () => {
    const file = document.getElementById(button.dataset.input).files[0];
    if (!file) { say("请先选择文件"); return; }
    const accept = button.dataset.kind === "absorb" && document.getElementById("accept-changes").checked ? "?accept_changes=1" : "";
    const response = await fetch(`/api/years/${button.dataset.year}/${button.dataset.kind}${accept}`, {
      method: "POST", credentials: "same-origin", body: file,
      headers: {"Content-Type": "application/octet-stream", "X-CSRF-Token": csrf(), "X-File-Name": encodeURIComponent(file.name)},
    });
    const data = await response.json();
    document.getElementById("outcome").textContent = response.status === 200 ? data.lines.join("\n") + "\n（刷新页面可看到新的状态和修改记录）" : data.error;
  });
  const deadline = document.getElementById("set-deadline");
  if (deadline) deadline.addEventListener("click", async () => {
    const {status, data} = await api("PUT", `/api/years/${deadline.dataset.year}/deadline`, {deadline: document.getElementById("deadline").value});
    if (status === 200) { location.reload(); } else { say(data.error); }
  });
  const draft = document.getElementById("draft");
  if (draft) draft.addEventListener("click", async () => {
    const {status, data} = await api("POST", `/api/years/${draft.dataset.year}/draft`, {});
    if (status === 200) { location.href = `/years/${draft.dataset.year}`; } else { say(data.error); }
  });
  for (const button of document.querySelectorAll("button.restore")) button.addEventListener("click", () => {
    step(`/api/years/${button.dataset.year}/restore`, {commit: button.dataset.commit});
  });
  for (const button of document.querySelectorAll("button.report")) button.addEventListener("click", () => {
    const reason = button.parentElement.querySelector("input.reason");
    step(`/api/years/${button.dataset.year}/report/${button.dataset.step}`, {reason: reason ? reason.value : ""});
  });
});

// The print preview follows the data: when a save makes a new version, the page shows its pictures.
const preview = document.getElementById("preview");
if (preview) {
  setInterval(async () => {
    const {status, data} = await api("GET", `/api/years/${preview.dataset.year}/preview`);
    if (status === 200 && data.version !== preview.dataset.version) { location.reload(); }
  }, 1500);
}

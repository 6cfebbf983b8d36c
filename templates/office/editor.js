// The report page: the report as it prints, each text editable in place (经办人) or open to
// comments (审核人); figures are chips that go back as {{ name }}; check's findings and the
// reviewers' comments beside the text they concern; reviewed DOCX files as plans to accept.
"use strict";

const report = document.getElementById("report");
const year = report.dataset.year;
const clerk = report.dataset.role === "经办人";
const base = `/api/years/${year}`;
const pathUrl = (path) => path.split("/").map(encodeURIComponent).join("/");
const KINDS = {paragraph: "段落", item: "事项", heading: "标题", cell: "表格单元格", title: "标题行", caption: "表题"};

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function chip(segment) {
  const node = element("span", "chip");
  node.contentEditable = "false";
  node.dataset.source = segment.source;
  node.title = `${segment.source}（保存时仍是对“${segment.name}”的引用）`;
  node.append(element("span", "name", segment.name), "：", element("span", "value", segment.value));
  return node;
}

function segments(text) {
  const out = [];
  for (const segment of text.segments) out.push(segment.source ? chip(segment) : document.createTextNode(segment.text));
  return out;
}

// The template the editor holds: its text as typed, each chip as the {{ }} it stands for.
function template(area) {
  let out = "";
  for (const node of area.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) out += node.textContent;
    else if (node.classList && node.classList.contains("chip")) out += node.dataset.source;
    else if (node.nodeName !== "BR") out += template(node);
  }
  return out;
}

let current = {blocks: [], findings: [], comments: []};

async function load(focusPath) {
  const {status, data} = await api("GET", `${base}/texts`);
  if (status !== 200) { report.textContent = data.error; return; }
  current = data;
  render();
  if (focusPath) {
    const target = report.querySelector(`.text[data-path="${CSS.escape(focusPath)}"]`);
    if (target) target.focus();
  }
}

function render() {
  report.textContent = "";
  const placed = new Set();
  for (const block of current.blocks) {
    const node = element("div", `block ${block.kind}`);
    if (block.kind === "table") {
      const table = element("table");
      let row = null, at = -1;
      for (const text of block.texts) {
        if (text.row !== at) { row = table.insertRow(); at = text.row; }
        row.insertCell().append(textSpan(text));
      }
      node.append(table);
    } else {
      for (const text of block.texts) node.append(text.label, textSpan(text), text.suffix);
    }
    report.append(node);
    const lines = block.texts.map((t) => [t.line, t.last_line]);
    const concern = current.findings.filter((f, n) => f.line !== null && lines.some(([a, b]) => a <= f.line && f.line <= b) && !placed.has(n) && placed.add(n));
    if (concern.length) report.append(findingList(concern, block));
    const comments = current.comments.filter((c) => block.texts.some((t) => t.path === c.path));
    if (comments.length) {
      const list = element("ul", "comments");
      list.setAttribute("aria-label", "批注");
      for (const c of comments) list.append(element("li", "", `批注（${c.by}，${c.at.slice(0, 16).replace("T", " ")}）：${c.text}`));
      report.append(list);
    }
  }
  const others = document.getElementById("other-findings");
  others.textContent = "";
  const rest = current.findings.filter((f, n) => !placed.has(n));
  if (rest.length) others.append(element("p", "", "不属于某一段的检查结果："), findingList(rest, null));
}

function findingList(findings, block) {
  const list = element("ul", "findings");
  list.setAttribute("aria-label", "检查结果");
  for (const finding of findings) {
    const item = element("li", finding.severity === "error" ? "error" : "", finding.shown);
    item.dataset.rule = finding.rule;
    if (clerk && finding.rule) {
      const reason = element("input", "reason");
      reason.setAttribute("aria-label", `确认“${finding.message}”无误的理由`);
      reason.placeholder = "无须改正的理由";
      item.append(" ", reason, " ", button("确认无误", async () => {
        say("正在保存……");
        const {status, data} = await api("POST", `${base}/acknowledge`, {rule: finding.rule, message: finding.message, reason: reason.value});
        if (status === 200) { await load(); say("已确认，检查不再列出这一条（理由记在数据文件的 checks: acknowledged: 中）"); } else say(data.error);
      }));
    }
    list.append(item);
  }
  return list;
}

function textSpan(text) {
  const span = element("span", `text ${text.kind}`);
  span.tabIndex = 0;
  span.setAttribute("role", "button");
  span.dataset.path = text.path;
  span.append(...segments(text));
  span.setAttribute("aria-label", `${clerk ? "修改" : "批注"}${KINDS[text.kind] || "文字"}：${span.textContent.slice(0, 40)}`);
  const open = () => openEditor(span, text);
  span.addEventListener("click", open);
  span.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); open(); } });
  return span;
}

function button(label, action) {
  const node = element("button", "", label);
  node.type = "button";
  node.addEventListener("click", action);
  return node;
}

function openEditor(span, text) {
  for (const old of report.querySelectorAll(".editor")) old.remove();
  const box = element("div", "editor");
  box.setAttribute("role", "group");
  box.setAttribute("aria-label", `${clerk ? "修改" : "批注"}这一${KINDS[text.kind] || "处"}`);
  const area = element("div", "area");
  area.contentEditable = "true";
  area.setAttribute("role", "textbox");
  area.setAttribute("aria-multiline", "true");
  const tools = element("div", "tools");
  const close = () => { box.remove(); span.focus(); };
  let adding = false, title = null;
  if (clerk) {
    area.setAttribute("aria-label", `${KINDS[text.kind] || "文字"}内容`);
    if (text.opaque) {  // {% if %} and the like: edited as written, or the condition would be lost
      area.textContent = text.template;
      box.append(element("p", "", "这一段含有条件等写法，按数据文件中的原文修改。"));
    } else area.append(...segments(text));
    const save = async () => {
      const typed = template(area);
      say("正在保存……");
      const {status, data} = adding
        ? await api("POST", `${base}/texts`, {after: text.path, text: typed, version: text.version, title: title ? title.value : ""})
        : await api("PUT", `${base}/texts/${pathUrl(text.path)}`, {text: typed, version: text.version});
      if (status === 200) { await load(data.path); say(adding ? "已添加" : "已保存"); } else { say(data.error); area.focus(); }
    };
    tools.append(button("保存", save), button("取消", close));
    if (text.entry) {
      const noun = text.kind === "item" ? "事项" : text.kind === "heading" ? "这一节" : "段落";
      tools.append(
        button(`在后面添加${text.kind === "item" ? "事项" : "段落"}`, () => {
          adding = true; area.textContent = ""; area.setAttribute("aria-label", "新添加的内容"); area.focus();
          say("请输入新内容，按 Ctrl+回车保存");
        }),
        ...(text.entry.split("/").slice(-2, -1)[0] === "body" ? [button("在后面添加一节", () => {
          adding = true; area.textContent = ""; area.setAttribute("aria-label", "新一节的第一段");
          title = element("input", "section-title");
          title.setAttribute("aria-label", "新一节的标题");
          box.prepend(title);
          title.focus();
          say("请输入新一节的标题，再在下面写它的第一段，按 Ctrl+回车保存");
        })] : []),
        button(`删除${noun}`, async () => {
          say("正在保存……");
          const {status, data} = await api("DELETE", `${base}/texts/${pathUrl(text.path)}`, {version: text.version});
          if (status === 200) { await load(); say("已删除（需要时可在修改记录中恢复之前的版本）"); } else say(data.error);
        }),
        button("上移", () => move(text, -1)), button("下移", () => move(text, 1)));
    }
    const figure = element("fieldset", "new-figure");
    figure.append(element("legend", "", "把文中的一个数设为数字项（数字单独管理，文中显示为方框）"));
    const field = (label, hint) => {
      const input = element("input");
      input.setAttribute("aria-label", label);
      input.placeholder = hint;
      figure.append(input, " ");
      return input;
    };
    const typed = field("文中的数（连同单位）", "如 300人次；可先在上面选中"), name = field("数字的名称", "如 培训人次"), label = field("数字的说明", "如 培训执法人员人次");
    figure.append(button("设为数字项", async () => {
      const number = typed.value.trim() || window.getSelection().toString().trim();
      say("正在保存……");
      const {status, data} = await api("POST", `${base}/new-figure`, {path: text.path, typed: number, name: name.value, label: label.value, version: text.version});
      if (status === 200) { await load(text.path); say(`已设为数字项“${name.value.trim()}”`); } else say(data.error);
    }));
    box.append(figure);
    area.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); save(); }
      else if (event.key === "Enter") event.preventDefault();  // a text is one paragraph
      else if (event.key === "Escape") close();
    });
  } else {
    area.setAttribute("aria-label", "批注内容");
    const send = async () => {
      say("正在保存……");
      const {status, data} = await api("POST", `${base}/comments`, {path: text.path, text: area.textContent});
      if (status === 200) { await load(text.path); say("批注已保存"); } else say(data.error);
    };
    tools.append(button("保存批注", send), button("取消", close));
    area.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); send(); }
      else if (event.key === "Escape") close();
    });
  }
  tools.append(button("这一处的修改记录", () => history(text, box)));
  box.prepend(area, tools);
  span.closest(".block").after(box);
  area.focus();
}

async function move(text, step) {
  say("正在保存……");
  const {status, data} = await api("POST", `${base}/move`, {path: text.path, step, version: text.version});
  if (status === 200) { await load(data.path); say(step < 0 ? "已上移" : "已下移"); } else say(data.error);
}

async function history(text, box) {
  const {status, data} = await api("GET", `${base}/history?path=${encodeURIComponent(text.path)}`);
  for (const old of box.querySelectorAll(".history")) old.remove();
  const list = element("ul", "history");
  list.setAttribute("aria-label", "这一处的修改记录");
  if (status !== 200) list.append(element("li", "", data.error));
  else if (!data.history.length) list.append(element("li", "", "没有找到涉及这一处的修改（整份文件的修改见“填报情况”页的修改记录表）"));
  for (const change of data.history || []) {
    list.append(element("li", "", `${change.time.slice(0, 16).replace("T", " ")} ${change.author}：${change.message.split("\n")[0]}`));
  }
  box.append(list);
}

// -- reviews --------------------------------------------------------------------------------

const reviews = document.getElementById("reviews");

async function loadReviews() {
  const {status, data} = await api("GET", `${base}/reviews`);
  reviews.textContent = "";
  if (status !== 200) { reviews.textContent = data.error; return; }
  if (!data.reviews.length) reviews.append(element("p", "", "还没有上传的审阅稿。"));
  for (const review of data.reviews) {
    const box = element("div", "review");
    box.append(element("h3", "", `${review.name}（${review.by} 上传，${review.at.slice(0, 16).replace("T", " ")}）：${review.state}`));
    const plan = review.plan;
    if (plan.already) box.append(element("p", "", plan.already));
    box.append(element("p", "", plan.changes.length ? `修改 ${plan.changes.length} 处：` : "没有需要写回的修改。"));
    const changes = element("ul");
    for (const change of plan.changes) changes.append(element("li", "", change));
    box.append(changes);
    if (plan.comments.length) {
      box.append(element("p", "", `批注 ${plan.comments.length} 条（不写入数据文件）：`));
      const comments = element("ul");
      for (const comment of plan.comments) comments.append(element("li", "", comment));
      box.append(comments);
    }
    for (const note of plan.notes) box.append(element("p", "", `提示：${note}`));
    if (review.state === "待处理" && reviews.dataset.clerk) {
      const checks = [];
      if ((plan.edits || []).length > 1) {
        const edits = element("fieldset");
        edits.append(element("legend", "", "数据文件中的各处改动（可只采纳其中几处）"));
        for (const edit of plan.edits) {
          const label = element("label");
          const check = element("input");
          check.type = "checkbox"; check.checked = true; check.value = edit.id;
          label.append(check, ` 第 ${edit.line} 行：${edit.old.trim()} → ${edit.new.trim()}`);
          edits.append(label, element("br"));
          checks.push(check);
        }
        box.append(edits);
      }
      const decide = (step, some) => async () => {
        const body = some ? {edits: checks.filter((c) => c.checked).map((c) => Number(c.value))} : {};
        say("正在保存……");
        const {status, data} = await api("POST", `${base}/reviews/${review.id}/${step}`, body);
        if (status === 200) { await loadReviews(); await load(); say(step === "accept" ? "已采纳，修改已写入数据文件" : "已标记为不采纳"); } else say(data.error);
      };
      box.append(button("采纳全部修改", decide("accept", false)), " ", ...(checks.length ? [button("只采纳选中的改动", decide("accept", true)), " "] : []),
                 button("不采纳", decide("decline", false)));
    } else if (review.decided_by) {
      box.append(element("p", "", `${review.decided_by} 于 ${review.decided_at.slice(0, 16).replace("T", " ")} ${review.state}`));
    }
    reviews.append(box);
  }
}

document.getElementById("send-review").addEventListener("click", async () => {
  const file = document.getElementById("review-upload").files[0];
  if (!file) { say("请先选择审阅稿（DOCX）"); return; }
  const response = await fetch(`${base}/reviews`, {
    method: "POST", credentials: "same-origin", body: file,
    headers: {"Content-Type": "application/octet-stream", "X-CSRF-Token": csrf(), "X-File-Name": encodeURIComponent(file.name)},
  });
  let data = {};
  try { data = await response.json(); } catch (e) { data = {error: "服务器没有给出说明"}; }
  if (response.status === 200) { say(`已上传 ${data.name}：${data.plan.changes.length} 处修改，${data.plan.comments.length} 条批注`); await loadReviews(); }
  else say(data.error);
});

load();
loadReviews();

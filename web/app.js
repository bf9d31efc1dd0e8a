// The starter page: version, health and an admin login. The full UI arrives with its own issue.
"use strict";
const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem("kumo-token");

async function api(path, options = {}) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`/api/v1${path}`, { ...options, headers });
  const body = res.status === 204 ? null : await res.json();
  if (!res.ok) throw new Error(body && body.detail ? body.detail : `HTTP ${res.status}`);
  return body;
}

function fill(list, items, text) {
  list.replaceChildren(...items.map((item) => {
    const li = document.createElement("li");
    li.textContent = text(item);
    return li;
  }));
}

async function showOverview() {
  const me = await api("/auth/me");
  $("who").textContent = `${me.user.name} (${me.project.name})`;
  $("login").hidden = true;
  $("overview").hidden = false;
  const vms = await api("/vms");
  fill($("vms"), vms.items, (v) => `${v.name}: ${v.status}`);
  try {
    const hosts = await api("/hosts");
    fill($("hosts"), hosts.items, (h) => `${h.name}: ${h.status}, ${h.cpus} CPUs, ${h.memory_mb} MiB`);
  } catch (e) {
    fill($("hosts"), [], () => "");
  }
}

$("login").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const form = new FormData(ev.target);
  try {
    const t = await api("/auth/tokens", { method: "POST", body: JSON.stringify(Object.fromEntries(form)) });
    token = t.token;
    sessionStorage.setItem("kumo-token", token);
    $("login-error").textContent = "";
    await showOverview();
  } catch (e) {
    $("login-error").textContent = e.message;
  }
});

$("logout").addEventListener("click", async () => {
  try { await api("/auth/tokens/current", { method: "DELETE" }); } catch (e) { /* already invalid */ }
  token = null;
  sessionStorage.removeItem("kumo-token");
  $("overview").hidden = true;
  $("login").hidden = false;
});

(async () => {
  const v = await api("/version");
  $("version").textContent = `v${v.version}`;
  const h = await api("/health");
  $("health").textContent = `health: ${h.status}, hosts up ${h.hosts_up}/${h.hosts_total}`;
  if (token) showOverview().catch(() => { token = null; sessionStorage.removeItem("kumo-token"); });
})();

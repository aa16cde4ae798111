/* shopkeeper agent console: sign in, live queue, claim, transcript, reply, notes, assist, release, close,
   and the messages shoppers left when no one could answer (to answer by email). */
(function () {
  "use strict";

  var WORDS = {
    en: {
      title: "Agent console", signin_title: "Sign in", name: "Name", password: "Password", signin: "Sign in",
      signout: "Sign out", queue: "Queue", queue_empty: "No one is waiting.", pick: "Pick a conversation",
      claim: "Claim", release: "Release to bot", close: "Close conversation", canned: "Canned responses",
      canned_pick: "Choose…", suggest: "Suggest a reply", reply_ph: "Reply to the shopper…", send: "Send",
      customer: "Customer", unverified: "Not verified.", notes: "Internal notes", note_ph: "Only agents see notes",
      add_note: "Add note", online: "Online: ", nobody_online: "No agent online", live: "live",
      reconnecting: "reconnecting…", waiting: "waiting", min: "min", held_by: "held by ", sensitive: "sensitive",
      no_suggestion: "The assistant has no suggestion for this message.", verified_by: "verified by",
      email: "email", orders: "Recent orders", shopper: "Shopper", bot: "Assistant", system: "",
      state_bot: "bot", state_waiting_for_agent: "waiting", state_agent: "with agent", state_closed: "closed",
      csat: "Rating: ", lang: "中文",
      messages: "Messages", messages_hint: "Left while no one could answer: reply by email, then mark answered.",
      messages_empty: "No messages.", reply_to: "Reply to ", open_chat: "Open chat", answered: "Mark answered",
      left_ago: "min ago",
      reasons: { requested: "asked for a person", negative_sentiment: "unhappy", repeated_failure: "bot failed",
        sensitive: "sensitive", sensitive_legal: "legal threat", sensitive_safety: "safety", sensitive_fraud: "fraud claim",
        frustration: "frustrated", low_confidence: "not understood", model_transfer: "bot transferred",
        engine_error: "bot error" }
    },
    zh: {
      title: "客服工作台", signin_title: "登录", name: "用户名", password: "密码", signin: "登录",
      signout: "退出", queue: "排队列表", queue_empty: "暂无等待的顾客。", pick: "请选择一个对话",
      claim: "接入", release: "交回机器人", close: "结束对话", canned: "快捷回复",
      canned_pick: "请选择…", suggest: "建议回复", reply_ph: "回复顾客…", send: "发送",
      customer: "顾客信息", unverified: "未验证身份。", notes: "内部备注", note_ph: "备注仅客服可见",
      add_note: "添加备注", online: "在线：", nobody_online: "暂无客服在线", live: "已连接",
      reconnecting: "重新连接中…", waiting: "已等待", min: "分钟", held_by: "处理人：", sensitive: "敏感",
      no_suggestion: "助手对这条消息没有建议。", verified_by: "验证方式",
      email: "邮箱", orders: "最近订单", shopper: "顾客", bot: "助手", system: "",
      state_bot: "机器人", state_waiting_for_agent: "等待中", state_agent: "人工服务中", state_closed: "已结束",
      csat: "评分：", lang: "English",
      messages: "留言", messages_hint: "无人接待时顾客留下的消息：请通过邮件回复，然后标记为已回复。",
      messages_empty: "暂无留言。", reply_to: "回复至 ", open_chat: "查看对话", answered: "标记已回复",
      left_ago: "分钟前",
      reasons: { requested: "要求人工", negative_sentiment: "情绪不满", repeated_failure: "机器人未解决",
        sensitive: "敏感话题", sensitive_legal: "法律纠纷", sensitive_safety: "安全问题", sensitive_fraud: "欺诈投诉",
        frustration: "情绪焦躁", low_confidence: "未能理解", model_transfer: "机器人转接",
        engine_error: "机器人故障" }
    }
  };

  var store = window.sessionStorage;
  var lang = localStorage.getItem("shopkeeper.console.lang") ||
    ((navigator.language || "").toLowerCase().indexOf("zh") === 0 ? "zh" : "en");
  var T = WORDS[lang];
  var token = store.getItem("shopkeeper.agent.token");
  var me = store.getItem("shopkeeper.agent.name") || "";
  var entries = {};        // conversation id -> queue entry
  var unread = {};
  var current = null;      // the open conversation id
  var detail = null;       // its last fetched detail
  var seen = {};           // message ids already drawn in the transcript
  var shown = [];          // those messages, to redraw them in the other language
  var onlineNames = [], connKey = "";
  var leftMessages = [];   // messages left when no one could answer, newest first
  var messagesTimer = null;
  var lastSeq = 0;
  var ws = null, retry = 0, retryTimer = null, pingTimer = null;

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  // ------------------------------------------------------------------ language
  function translate() {
    T = WORDS[lang];
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    document.title = "shopkeeper · " + T.title;
    Array.prototype.forEach.call(document.querySelectorAll("[data-t]"), function (n) { n.textContent = T[n.getAttribute("data-t")]; });
    Array.prototype.forEach.call(document.querySelectorAll("[data-t-placeholder]"), function (n) {
      n.setAttribute("placeholder", T[n.getAttribute("data-t-placeholder")]);
    });
    $("lang").textContent = T.lang;
    setOnline(onlineNames);
    setConn(connKey);
    renderQueue();
    renderMessages();
    if (detail) {
      renderDetail();
      var again = shown; seen = {}; shown = []; $("transcript").textContent = "";
      again.forEach(addMessage);
    }
  }
  $("lang").onclick = function () {
    lang = lang === "zh" ? "en" : "zh";
    localStorage.setItem("shopkeeper.console.lang", lang);
    translate();
    if (token) loadCanned();
  };

  // ------------------------------------------------------------------ HTTP
  function api(method, path, body) {
    var init = { method: method, headers: { "Authorization": "Bearer " + token } };
    if (body !== undefined) { init.headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    return fetch(path, init).then(function (r) {
      if (r.status === 401) { signOut(); throw new Error("signed out"); }
      if (r.status === 204) return {};
      return r.json().then(function (data) {
        if (!r.ok) throw new Error((data.error && data.error.message) || ("HTTP " + r.status));
        return data;
      });
    });
  }
  function showError(where, err) { $(where).textContent = err ? (err.message || String(err)) : ""; }

  // ------------------------------------------------------------------ sign in / out
  $("signin").onsubmit = function (e) {
    e.preventDefault();
    showError("signin-error", null);
    var name = $("name").value.trim();
    fetch("/v1/agent/sessions", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: name, password: $("password").value })
    }).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) throw new Error((data.error && data.error.message) || ("HTTP " + r.status));
        token = data.token; me = data.agent;
        store.setItem("shopkeeper.agent.token", token); store.setItem("shopkeeper.agent.name", me);
        $("password").value = "";
        enter();
      });
    }).catch(function (err) { showError("signin-error", err); });
  };

  function signOut() {
    if (token) fetch("/v1/agent/sessions/end", { method: "POST", headers: { "Authorization": "Bearer " + token } }).catch(function () {});
    token = null; me = ""; current = null; detail = null;
    store.removeItem("shopkeeper.agent.token"); store.removeItem("shopkeeper.agent.name");
    if (ws) { ws.onclose = null; ws.close(); ws = null; }
    clearTimeout(retryTimer); clearInterval(pingTimer); clearInterval(messagesTimer);
    $("desk-view").hidden = true; $("signin-view").hidden = false; $("signout").hidden = true; $("who").textContent = "";
  }
  $("signout").onclick = signOut;

  function enter() {
    $("signin-view").hidden = true; $("desk-view").hidden = false; $("signout").hidden = false;
    $("who").textContent = me;
    loadCanned();
    connect();
    loadMessages();
    clearInterval(messagesTimer);
    messagesTimer = setInterval(loadMessages, 30000);
  }

  // ------------------------------------------------------------------ live updates
  function connect() {
    if (!token || ws) return;
    var url = location.origin.replace(/^http/, "ws") + "/v1/agent/stream?token=" + encodeURIComponent(token) +
      (current ? "&conversation=" + encodeURIComponent(current) + "&after=" + lastSeq : "");
    var socket = new WebSocket(url);
    ws = socket;
    socket.onopen = function () {
      retry = 0; setConn("live");
      clearInterval(pingTimer);
      pingTimer = setInterval(function () { if (ws === socket) socket.send(JSON.stringify({ type: "ping" })); }, 25000);
    };
    socket.onmessage = function (e) {
      var ev; try { ev = JSON.parse(e.data); } catch (err) { return; }
      handle(ev);
    };
    socket.onclose = function (e) {
      ws = null; clearInterval(pingTimer);
      if (e.code === 4401) { signOut(); return; }
      setConn("reconnecting");
      // Back off, then resume: the server resends the queue and this conversation's messages after lastSeq.
      retryTimer = setTimeout(connect, Math.min(10000, 500 * Math.pow(2, retry++)));
    };
  }

  function handle(ev) {
    if (ev.type === "snapshot") {
      entries = {};
      (ev.entries || []).forEach(function (en) { entries[en.conversation_id] = en; });
      setOnline(ev.online);
      if (ev.conversation_id === current) (ev.messages || []).forEach(addMessage);
      renderQueue();
      loadMessages();
    } else if (ev.type === "queue") {
      var en = ev.entry;
      if (en && (en.state === "waiting_for_agent" || en.state === "agent")) entries[ev.conversation_id] = en;
      else delete entries[ev.conversation_id];
      renderQueue();
      if (ev.conversation_id === current && en) { detail.entry = en; detail.conversation.state = en.state; detail.agent = en.agent; renderHead(); }
    } else if (ev.type === "message") {
      if (ev.conversation_id === current) addMessage(ev.message);
      else if (entries[ev.conversation_id]) { unread[ev.conversation_id] = true; renderQueue(); }
    } else if (ev.type === "state") {
      if (ev.conversation_id === current && detail) {
        detail.conversation.state = ev.state;
        if (ev.state !== "agent") detail.agent = ""; else if (ev.agent) detail.agent = ev.agent;
        renderHead();
      }
    } else if (ev.type === "note") {
      if (ev.conversation_id === current && detail) {
        if (!detail.notes.some(function (n) { return n.id === ev.note.id; })) { detail.notes.push(ev.note); renderNotes(); }
      }
    }
  }

  function setOnline(names) {
    onlineNames = names || [];
    $("online").textContent = onlineNames.length ? T.online + onlineNames.join(", ") : T.nobody_online;
  }
  function setConn(key) { connKey = key; $("conn").textContent = key ? T[key] : ""; }

  // ------------------------------------------------------------------ queue
  function renderQueue() {
    var list = $("entries");
    list.textContent = "";
    var ids = Object.keys(entries).sort(function (a, b) {
      var x = entries[a], y = entries[b];
      if (x.state !== y.state) return x.state === "waiting_for_agent" ? -1 : 1;
      return (y.priority || 0) - (x.priority || 0);
    });
    ids.forEach(function (cid) {
      var en = entries[cid];
      var li = el("li");
      var b = el("button", cid === current ? "current" : "");
      b.type = "button";
      b.setAttribute("data-cid", cid);
      var line = el("span", "line1" + (unread[cid] ? " unread" : ""));
      line.appendChild(el("span", "badge " + en.state, T["state_" + en.state] || en.state));
      line.appendChild(el("strong", "", en.customer || cid.slice(0, 10)));
      line.appendChild(el("span", "badge", T.reasons[en.reason] || String(en.reason || "").replace(/_/g, " ")));
      if (en.sensitive || (en.sentiment || 0) <= -0.5) line.appendChild(el("span", "badge hot", en.sensitive ? T.sensitive : "☹"));
      line.appendChild(el("span", "muted", T.waiting + " " + Math.max(0, Math.round((en.waiting_s || 0) / 60)) + " " + T.min));
      if (en.agent) line.appendChild(el("span", "muted", T.held_by + en.agent));
      b.appendChild(line);
      b.appendChild(el("span", "sum", en.summary || ""));
      b.onclick = function () { open(cid); };
      li.appendChild(b);
      list.appendChild(li);
    });
    $("queue-empty").hidden = ids.length > 0;
  }

  // ------------------------------------------------------------------ messages left when no one could answer
  function loadMessages() {
    if (!token) return;
    api("GET", "/v1/agent/messages").then(function (data) { leftMessages = data.messages || []; renderMessages(); })
      .catch(function () {});
  }

  function renderMessages() {
    var list = $("left-messages");
    list.textContent = "";
    leftMessages.forEach(function (m) {
      var li = el("li");
      var line = el("span", "line1");
      line.appendChild(el("strong", "", m.customer || m.reply_to));
      line.appendChild(el("span", "badge", T.reasons[m.reason] || String(m.reason || "").replace(/_/g, " ")));
      line.appendChild(el("span", "muted", Math.max(0, Math.round((Date.now() / 1000 - (m.opened_at || 0)) / 60)) + " " + T.left_ago));
      li.appendChild(line);
      var to = el("div", "muted", T.reply_to);
      var mail = el("a", "", m.reply_to);
      mail.href = "mailto:" + encodeURI(m.reply_to);
      to.appendChild(mail);
      li.appendChild(to);
      li.appendChild(el("p", "text", m.message));
      var acts = el("div", "acts");
      var see = el("button", "ghost", T.open_chat);
      see.type = "button";
      see.onclick = function () { open(m.conversation_id); };
      var done = el("button", "", T.answered);
      done.type = "button";
      done.onclick = function () {
        done.disabled = true;
        api("POST", "/v1/agent/messages/" + encodeURIComponent(m.id) + "/answered").then(loadMessages, loadMessages);
      };
      acts.appendChild(see); acts.appendChild(done);
      li.appendChild(acts);
      list.appendChild(li);
    });
    $("messages-empty").hidden = leftMessages.length > 0;
  }

  // ------------------------------------------------------------------ one conversation
  function open(cid) {
    current = cid; unread[cid] = false; seen = {}; shown = []; lastSeq = 0;
    $("transcript").textContent = ""; $("suggestions").textContent = "";
    showError("chat-error", null);
    renderQueue();
    return api("GET", "/v1/agent/conversations/" + encodeURIComponent(cid)).then(function (data) {
      if (current !== cid) return;
      detail = data;
      renderDetail();
      loadCanned();
      data.messages.forEach(addMessage);
    }).catch(function (err) { showError("chat-error", err); });
  }

  function renderDetail() {
    renderHead();
    renderCustomer();
    renderNotes();
  }

  function renderHead() {
    if (!detail) return;
    var c = detail.conversation, en = detail.entry || {};
    $("chat-title").textContent = (en.customer || T.shopper) + " · " + c.channel + (c.locale ? " · " + c.locale : "");
    var badge = $("chat-state");
    badge.className = "badge " + c.state; badge.textContent = T["state_" + c.state] || c.state;
    $("summary").textContent = (en.summary || "") + (detail.csat ? "  " + T.csat + detail.csat + "/5" : "");
    var mine = c.state === "agent" && detail.agent === me;
    $("claim").hidden = c.state !== "waiting_for_agent";
    $("release").hidden = !mine;
    $("close").hidden = !(mine || c.state === "waiting_for_agent");
    $("reply").hidden = !mine; $("assist").hidden = !mine;
    $("note").hidden = false;
  }

  function renderCustomer() {
    var box = $("customer");
    box.textContent = "";
    var cu = detail.customer;
    if (!cu) { box.appendChild(el("p", "muted", T.unverified)); return; }
    var dl = el("dl");
    [["ID", cu.customer_id], [T.name, cu.name], [T.email, cu.email], [T.verified_by, cu.verified_by]].forEach(function (row) {
      dl.appendChild(el("dt", "", row[0])); dl.appendChild(el("dd", "", row[1] || "—"));
    });
    box.appendChild(dl);
    if (cu.orders && cu.orders.length) {
      box.appendChild(el("h2", "", T.orders));
      var ul = el("ul", "orders");
      cu.orders.forEach(function (o) {
        var li = el("li");
        li.appendChild(el("strong", "", o.order_id + " "));
        li.appendChild(el("span", "badge", o.status));
        li.appendChild(el("div", "muted", (o.created_at ? o.created_at + " · " : "") + "$" + o.total.toFixed(2)));
        li.appendChild(el("div", "", o.items.join(", ")));
        ul.appendChild(li);
      });
      box.appendChild(ul);
    }
  }

  function renderNotes() {
    var ul = $("notes");
    ul.textContent = "";
    (detail.notes || []).forEach(function (n) { ul.appendChild(el("li", "", n.agent + ": " + n.text)); });
  }

  function addMessage(m) {
    if (!m || seen[m.id]) return;
    seen[m.id] = true;
    shown.push(m);
    lastSeq = Math.max(lastSeq, m.seq || 0);
    var li = el("li", m.role);
    li.setAttribute("data-seq", m.seq);
    var who = m.role === "agent" ? (m.author || "agent") : T[m.role];
    if (who) li.appendChild(el("span", "who", who));
    li.appendChild(document.createTextNode(m.text));
    // Keep seq order even when a resumed backlog and a live event cross.
    var log = $("transcript"), after = null;
    Array.prototype.forEach.call(log.children, function (n) { if (!after && +n.getAttribute("data-seq") > m.seq) after = n; });
    log.insertBefore(li, after);
    log.scrollTop = log.scrollHeight;
  }

  // ------------------------------------------------------------------ actions
  function act(path, body) {
    showError("chat-error", null);
    return api("POST", "/v1/agent/conversations/" + encodeURIComponent(current) + path, body)
      .catch(function (err) { showError("chat-error", err); throw err; });
  }
  $("claim").onclick = function () {
    act("/claim").then(function () { detail.conversation.state = "agent"; detail.agent = me; renderHead(); $("reply-text").focus(); }, function () {});
  };
  $("release").onclick = function () { act("/release").then(function () { detail.conversation.state = "bot"; renderHead(); }, function () {}); };
  $("close").onclick = function () { act("/close").then(function () { detail.conversation.state = "closed"; renderHead(); }, function () {}); };
  $("reply").onsubmit = function (e) {
    e.preventDefault();
    var text = $("reply-text").value.trim();
    if (!text) return;
    $("send").disabled = true;
    act("/messages", { text: text }).then(function (data) { $("reply-text").value = ""; addMessage(data.message); }, function () {})
      .then(function () { $("send").disabled = false; });
  };
  $("reply-text").onkeydown = function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("reply").requestSubmit(); }
  };
  $("note").onsubmit = function (e) {
    e.preventDefault();
    var text = $("note-text").value.trim();
    if (!text) return;
    act("/notes", { text: text }).then(function (data) {
      $("note-text").value = "";
      if (!detail.notes.some(function (n) { return n.id === data.note.id; })) { detail.notes.push(data.note); renderNotes(); }
    }, function () {});
  };
  $("suggest").onclick = function () {
    var ul = $("suggestions");
    ul.textContent = "";
    api("GET", "/v1/agent/conversations/" + encodeURIComponent(current) + "/suggestions").then(function (data) {
      if (!data.suggestions.length) { ul.appendChild(el("li", "muted", T.no_suggestion)); return; }
      data.suggestions.forEach(function (s) {
        var li = el("li"), b = el("button", "", s);
        b.type = "button";
        b.onclick = function () { $("reply-text").value = s; $("reply-text").focus(); };
        li.appendChild(b); ul.appendChild(li);
      });
    }).catch(function (err) { showError("chat-error", err); });
  };
  function loadCanned() {
    var locale = detail && detail.conversation.locale === "zh" ? "zh" : lang;
    api("GET", "/v1/agent/canned?locale=" + locale).then(function (data) {
      var sel = $("canned");
      while (sel.options.length > 1) sel.remove(1);
      data.responses.forEach(function (r) { var o = el("option", "", r); o.value = r; sel.appendChild(o); });
    }).catch(function () {});
  }
  $("canned").onchange = function () {
    if (this.value) { $("reply-text").value = this.value; this.value = ""; $("reply-text").focus(); }
  };

  translate();
  if (token) enter();
})();

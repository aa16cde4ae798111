/* shopkeeper chat widget: embed with <script src="https://YOUR-SHOPKEEPER/widget.js" data-locale="en"></script>.
 * Vanilla JS, no build step. Optional attributes: data-locale ("en" | "zh"), data-api (base URL of the
 * shopkeeper server; defaults to where this script came from), data-title (the panel's title). */
(function () {
  "use strict";
  if (window.__shopkeeperWidget) return; // embedded twice: keep one
  window.__shopkeeperWidget = true;

  var script = document.currentScript || (function () {
    var all = document.querySelectorAll('script[src*="widget.js"]');
    return all[all.length - 1];
  })();
  var attr = function (name) { return script ? script.getAttribute(name) : null; };
  var API = (attr("data-api") || (script && script.src ? new URL(script.src, location.href).origin : location.origin)).replace(/\/$/, "");
  var asked = (attr("data-locale") || "").toLowerCase();
  var LOCALE = asked === "zh" || asked === "en" ? asked : ((navigator.language || "en").toLowerCase().indexOf("zh") === 0 ? "zh" : "en");

  var STRINGS = {
    en: {
      title: "Chat with us", open: "Open chat", close: "Close chat", input: "Type your message",
      send: "Send", log: "Conversation", typing: "Assistant is typing…",
      greeting: "Hi! I can help with orders, returns, shipping and our products. What can I do for you?",
      bot: "Assistant", agent: "Agent", you: "You", sources: "Sources",
      state_bot: "Assistant · replies instantly", state_waiting_for_agent: "Waiting for an agent — someone will join shortly",
      state_agent: "You're chatting with a person", state_closed: "This conversation is closed",
      restart: "Start a new conversation", offline: "Reconnecting…", failed: "Couldn't send. Please try again.",
      too_long: "That message is too long.", rate: "Rate this conversation from 1 to 5",
      products: "Products", out_of_stock: "Out of stock", view: "View"
    },
    zh: {
      title: "在线客服", open: "打开客服聊天", close: "关闭聊天", input: "请输入消息",
      send: "发送", log: "对话记录", typing: "客服助手正在输入…",
      greeting: "您好！我可以帮您查询订单、退换货、配送以及商品信息。请问有什么可以帮您？",
      bot: "助手", agent: "客服", you: "我", sources: "参考来源",
      state_bot: "智能助手 · 即时回复", state_waiting_for_agent: "正在为您转接人工客服，请稍候",
      state_agent: "人工客服正在为您服务", state_closed: "本次对话已结束",
      restart: "开始新的对话", offline: "正在重新连接…", failed: "发送失败，请重试。",
      too_long: "消息太长了。", rate: "请为本次服务打分（1–5）",
      products: "相关商品", out_of_stock: "缺货", view: "查看"
    }
  };
  var T = STRINGS[LOCALE];
  var TITLE = attr("data-title") || T.title;
  var KEY = "shopkeeper:" + API;

  // ------------------------------------------------------------------ state
  var saved = load();
  var conv = saved && saved.id && saved.token ? saved : null;
  var lastSeq = 0;
  var ws = null, wsOpen = false, retry = 0, retryTimer = null, typingTimer = null, starting = null;
  var state = "bot";
  var MAX_CHARS = 4000;

  function load() { try { return JSON.parse(localStorage.getItem(KEY) || "null"); } catch (e) { return null; } }
  function persist() { try { localStorage.setItem(KEY, JSON.stringify(conv ? { id: conv.id, token: conv.token, open: isOpen() } : null)); } catch (e) { /* private mode */ } }

  // ------------------------------------------------------------------ DOM (in a shadow root: host CSS cannot leak in)
  var host = document.createElement("div");
  host.id = "shopkeeper-widget";
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  root.innerHTML =
    '<style>' +
    ':host{all:initial}' +
    '*{box-sizing:border-box;font-family:system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif}' +
    '.bubble{position:fixed;right:20px;bottom:20px;width:60px;height:60px;border-radius:50%;border:0;cursor:pointer;background:#1d4e63;color:#fff;box-shadow:0 6px 20px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center;z-index:2147483646;transition:transform .15s}' +
    '.bubble:hover{transform:scale(1.06)}.bubble:focus-visible{outline:3px solid #f2b84b;outline-offset:2px}' +
    '.bubble .dot{position:absolute;top:6px;right:6px;width:12px;height:12px;border-radius:50%;background:#f2b84b;display:none}' +
    '.bubble.unread .dot{display:block}' +
    '.panel{position:fixed;right:20px;bottom:92px;width:370px;max-width:calc(100vw - 24px);height:540px;max-height:calc(100vh - 112px);background:#fff;border-radius:16px;box-shadow:0 12px 40px rgba(0,0,0,.22);display:flex;flex-direction:column;overflow:hidden;z-index:2147483647;color:#1f2933;font-size:15px}' +
    '.panel[hidden]{display:none}' +
    '.head{background:#1d4e63;color:#fff;padding:14px 16px;display:flex;align-items:flex-start;gap:8px}' +
    '.head h2{margin:0;font-size:16px;font-weight:650}.head .status{font-size:12.5px;opacity:.85;margin-top:2px}' +
    '.head .x{margin-left:auto;background:transparent;border:0;color:#fff;font-size:22px;line-height:1;cursor:pointer;padding:2px 6px;border-radius:6px}' +
    '.head .x:focus-visible{outline:2px solid #f2b84b}' +
    '.log{flex:1;overflow-y:auto;padding:14px 12px;background:#f7f8fa;display:flex;flex-direction:column;gap:10px}' +
    '.msg{max-width:84%;padding:9px 12px;border-radius:14px;line-height:1.45;white-space:pre-wrap;word-wrap:break-word}' +
    '.msg .who{display:block;font-size:11.5px;color:#616e7c;margin-bottom:2px}' +
    '.msg.bot,.msg.agent,.msg.system{align-self:flex-start;background:#fff;border:1px solid #e4e7eb;border-bottom-left-radius:4px}' +
    '.msg.agent{border-color:#f2b84b;background:#fffaf0}' +
    '.msg.system{font-size:13px;color:#52606d;align-self:center;text-align:center;background:transparent;border:0}' +
    '.msg.shopper{align-self:flex-end;background:#1d4e63;color:#fff;border-bottom-right-radius:4px}' +
    '.msg.pending{opacity:.6}' +
    '.cites{margin-top:7px;padding-top:6px;border-top:1px dashed #d9dee4;font-size:12px;color:#52606d;white-space:normal}' +
    '.cites ul{margin:2px 0 0;padding:0;list-style:none;display:flex;flex-wrap:wrap;gap:4px}' +
    '.cites li{background:#eef3f5;border-radius:10px;padding:1px 8px}.cites a{color:#1d4e63}' +
    '.cards{margin:8px 0 0;padding:0;list-style:none;display:flex;flex-direction:column;gap:6px;white-space:normal}' +
    '.card{display:flex;gap:8px;align-items:flex-start;border:1px solid #e4e7eb;border-radius:10px;padding:7px 9px;background:#fbfcfd;min-width:0}' +
    '.card img{width:44px;height:44px;object-fit:cover;border-radius:6px;flex:none}' +
    '.card .body{min-width:0;flex:1;overflow-wrap:anywhere}' +
    '.card .top{display:flex;flex-wrap:wrap;gap:2px 8px;align-items:baseline}' +
    '.card .name{font-weight:600;color:#1f2933}.card a.name{color:#1d4e63}.card a.name:focus-visible{outline:2px solid #f2b84b;outline-offset:1px}' +
    '.card .price{margin-left:auto;font-weight:600;white-space:nowrap}' +
    '.card .opts{margin:3px 0 0;padding:0;list-style:none;display:flex;flex-wrap:wrap;gap:3px}' +
    '.card .opts li{background:#eef3f5;border-radius:8px;padding:0 6px;font-size:12px}' +
    '.card .reason{margin-top:3px;font-size:12.5px;color:#52606d}' +
    '.card .oos{font-size:12px;color:#9b2c2c}.card.unavailable{opacity:.8}' +
    '.typing{padding:0 14px 6px;font-size:12.5px;color:#616e7c;min-height:18px;background:#f7f8fa}' +
    '.notice{padding:6px 14px;font-size:13px;background:#fff4d6;color:#6b4e00;display:none}.notice.on{display:block}' +
    '.form{display:flex;gap:8px;padding:10px;border-top:1px solid #e4e7eb;background:#fff}' +
    '.form textarea{flex:1;resize:none;border:1px solid #cbd2d9;border-radius:10px;padding:9px 10px;font-size:15px;height:42px;max-height:120px;color:#1f2933}' +
    '.form textarea:focus{outline:2px solid #1d4e63;border-color:transparent}' +
    '.form button{border:0;border-radius:10px;background:#1d4e63;color:#fff;padding:0 16px;font-size:15px;cursor:pointer}' +
    '.form button:disabled{opacity:.5;cursor:default}' +
    '.rate{display:flex;gap:6px;justify-content:center;padding:6px}.rate[hidden]{display:none}' +
    '.rate button{border:1px solid #f2b84b;background:#fffaf0;border-radius:8px;padding:4px 10px;cursor:pointer}' +
    '.restart{margin:8px auto;display:none;border:1px solid #1d4e63;background:#fff;color:#1d4e63;border-radius:10px;padding:6px 12px;cursor:pointer}.restart.on{display:block}' +
    '</style>' +
    '<button class="bubble" type="button" aria-haspopup="dialog" aria-expanded="false">' +
    '<svg width="28" height="28" viewBox="0 0 24 24" aria-hidden="true" fill="currentColor"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>' +
    '<span class="dot"></span></button>' +
    '<section class="panel" role="dialog" hidden>' +
    '<div class="head"><div><h2></h2><div class="status" aria-live="polite"></div></div><button class="x" type="button">×</button></div>' +
    '<div class="notice" role="status"></div>' +
    '<div class="log" role="log" aria-live="polite" aria-relevant="additions"></div>' +
    '<div class="typing" aria-live="polite"></div>' +
    '<div class="rate" role="group" hidden></div>' +
    '<button class="restart" type="button"></button>' +
    '<form class="form"><textarea rows="1" maxlength="4000"></textarea><button type="submit"></button></form>' +
    '</section>';

  var $ = function (sel) { return root.querySelector(sel); };
  var bubble = $(".bubble"), panel = $(".panel"), logEl = $(".log"), typingEl = $(".typing"), statusEl = $(".status");
  var notice = $(".notice"), form = $(".form"), input = $("textarea"), sendBtn = $(".form button"), restartBtn = $(".restart");
  bubble.setAttribute("aria-label", T.open);
  panel.setAttribute("aria-label", TITLE);
  $(".head h2").textContent = TITLE;
  $(".x").setAttribute("aria-label", T.close);
  logEl.setAttribute("aria-label", T.log);
  input.setAttribute("aria-label", T.input);
  input.placeholder = T.input;
  sendBtn.textContent = T.send;
  restartBtn.textContent = T.restart;
  // After an agent closes the conversation the shopper rates it (CSAT); the number goes as a message.
  var rateEl = $(".rate"), rated = null;
  rateEl.setAttribute("aria-label", T.rate);
  [1, 2, 3, 4, 5].forEach(function (n) {
    var b = document.createElement("button");
    b.type = "button"; b.textContent = String(n); b.setAttribute("aria-label", T.rate + ": " + n);
    b.addEventListener("click", function () { rated = conv && conv.id; rateEl.hidden = true; send(String(n)); });
    rateEl.appendChild(b);
  });

  // ------------------------------------------------------------------ rendering
  function isOpen() { return !panel.hidden; }

  function setNotice(text) { notice.textContent = text || ""; notice.className = "notice" + (text ? " on" : ""); }

  function setState(next) {
    state = next || "bot";
    statusEl.textContent = T["state_" + state] || "";
    var closed = state === "closed";
    input.disabled = closed; sendBtn.disabled = closed;
    restartBtn.className = "restart" + (closed ? " on" : "");
    rateEl.hidden = !closed || rated === (conv && conv.id);
    host.setAttribute("data-state", state);
  }

  function setTyping(on) {
    clearTimeout(typingTimer);
    typingEl.textContent = on ? T.typing : "";
    if (on) typingTimer = setTimeout(function () { setTyping(false); }, 30000);
  }

  function renderCitations(el, citations) {
    if (!citations || !citations.length) return;
    var box = document.createElement("div");
    box.className = "cites";
    box.appendChild(document.createTextNode(T.sources + ":"));
    var list = document.createElement("ul");
    var seen = {};
    citations.forEach(function (c) {
      var key = c.source || c.title;
      if (seen[key]) return; // several passages of one document: one chip
      seen[key] = true;
      var li = document.createElement("li");
      var label = c.title || c.source;
      if (/^https?:\/\//.test(c.source || "")) {
        var a = document.createElement("a");
        a.href = c.source; a.target = "_blank"; a.rel = "noopener"; a.textContent = label;
        li.appendChild(a);
      } else {
        li.textContent = label;
      }
      if (c.snippet) li.title = c.snippet;
      li.setAttribute("data-source", c.source || "");
      list.appendChild(li);
    });
    box.appendChild(list);
    el.appendChild(box);
  }

  function safeUrl(value) { return /^https?:\/\//i.test(value || "") ? value : ""; }

  // Product cards under a bot message: every value goes in as text (never HTML); a link only for http(s) urls,
  // so the keyboard reaches each product page with Tab and nothing from the catalogue can run script.
  function renderProducts(el, products) {
    if (!products || !products.length) return;
    var list = document.createElement("ul");
    list.className = "cards";
    list.setAttribute("aria-label", T.products);
    products.forEach(function (p) {
      if (!p || !p.name) return;
      var li = document.createElement("li");
      li.className = "card" + (p.available === false ? " unavailable" : "");
      li.setAttribute("data-product", String(p.product_id || ""));
      if (p.variant) li.setAttribute("data-variant", String(p.variant));
      var image = safeUrl(p.image);
      if (image) {
        var img = document.createElement("img");
        img.src = image; img.alt = ""; img.loading = "lazy";
        li.appendChild(img);
      }
      var body = document.createElement("div");
      body.className = "body";
      var top = document.createElement("div");
      top.className = "top";
      var url = safeUrl(p.url), name;
      if (url) {
        name = document.createElement("a");
        name.href = url; name.target = "_blank"; name.rel = "noopener noreferrer";
        name.setAttribute("aria-label", T.view + ": " + String(p.name));
      } else {
        name = document.createElement("span");
      }
      name.className = "name";
      name.textContent = String(p.name);
      top.appendChild(name);
      var price = Number(p.price);
      if (isFinite(price) && price > 0) {
        var priceEl = document.createElement("span");
        priceEl.className = "price";
        priceEl.textContent = "$" + price.toFixed(2);
        top.appendChild(priceEl);
      }
      body.appendChild(top);
      var options = p.options && typeof p.options === "object" ? Object.keys(p.options) : [];
      if (options.length) {
        var opts = document.createElement("ul");
        opts.className = "opts";
        options.forEach(function (k) {
          var o = document.createElement("li");
          o.textContent = String(p.options[k]);
          o.title = k;
          opts.appendChild(o);
        });
        body.appendChild(opts);
      }
      if (p.available === false) {
        var oos = document.createElement("div");
        oos.className = "oos";
        oos.textContent = T.out_of_stock;
        body.appendChild(oos);
      }
      if (p.reason) {
        var reason = document.createElement("div");
        reason.className = "reason";
        reason.textContent = String(p.reason);
        body.appendChild(reason);
      }
      li.appendChild(body);
      list.appendChild(li);
    });
    if (list.childNodes.length) el.appendChild(list);
  }

  function bubbleFor(role, text, author) {
    var el = document.createElement("div");
    el.className = "msg " + role;
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = role === "shopper" ? T.you : role === "agent" ? (author || T.agent) : role === "bot" ? T.bot : "";
    if (role !== "system") el.appendChild(who);
    el.appendChild(document.createTextNode(text));
    return el;
  }

  function scrollDown() { logEl.scrollTop = logEl.scrollHeight; }

  function addMessage(m) {
    if (!m || typeof m.seq !== "number" || m.seq <= lastSeq) return; // already shown (resume / fallback overlap)
    lastSeq = m.seq;
    if (m.role === "shopper") {
      var pending = logEl.querySelector(".msg.pending");
      if (pending) pending.remove();
    } else {
      setTyping(false);
      if (!isOpen()) bubble.classList.add("unread");
    }
    var el = bubbleFor(m.role, m.text, m.author);
    el.setAttribute("data-seq", String(m.seq));
    if (m.role === "bot" || m.role === "agent") renderCitations(el, m.citations);
    if (m.role === "bot") renderProducts(el, m.products);
    logEl.appendChild(el);
    scrollDown();
  }

  function resetLog() {
    logEl.innerHTML = "";
    lastSeq = 0;
    logEl.appendChild(bubbleFor("bot", T.greeting));
  }

  // ------------------------------------------------------------------ HTTP
  function api(method, path, body) {
    var headers = { "Content-Type": "application/json" };
    if (conv) headers.Authorization = "Bearer " + conv.token;
    return fetch(API + path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) {
          if (!r.ok) { var e = new Error((data.error && data.error.message) || r.statusText); e.status = r.status; throw e; }
          return data;
        });
      });
  }

  function startConversation() {
    if (starting) return starting;
    starting = api("POST", "/v1/conversations", { channel: "web", locale: LOCALE, identity: null }).then(function (data) {
      conv = { id: data.conversation_id, token: data.token };
      persist();
      resetLog();
      setState("bot");
      connect();
      return conv;
    }).finally(function () { starting = null; });
    return starting;
  }

  function fetchTranscript() {
    return api("GET", "/v1/conversations/" + encodeURIComponent(conv.id) + "/messages?after=" + lastSeq).then(function (data) {
      (data.messages || []).forEach(addMessage);
      setState(data.state);
    });
  }

  function forget() {
    conv = null;
    if (ws) { ws.onclose = null; ws.close(); ws = null; }
    wsOpen = false;
    persist();
    resetLog();
    setState("bot");
  }

  // ------------------------------------------------------------------ websocket
  function connect() {
    if (!conv || ws) return;
    clearTimeout(retryTimer);
    var url = API.replace(/^http/, "ws") + "/v1/conversations/" + encodeURIComponent(conv.id) +
      "/stream?token=" + encodeURIComponent(conv.token) + "&after=" + lastSeq;
    var socket = new WebSocket(url);
    ws = socket;
    socket.onopen = function () { wsOpen = true; retry = 0; setNotice(""); };
    socket.onmessage = function (e) {
      var ev; try { ev = JSON.parse(e.data); } catch (err) { return; }
      if (ev.type === "message") addMessage(ev.message);
      else if (ev.type === "typing") setTyping(ev.role !== "shopper");
      else if (ev.type === "state") setState(ev.state);
      else if (ev.type === "error") setNotice(ev.message);
    };
    socket.onclose = function (e) {
      ws = null; wsOpen = false;
      if (e.code === 4401 || e.code === 4403 || e.code === 4404) { forget(); return; } // the server no longer knows us
      if (!conv) return;
      if (isOpen()) setNotice(T.offline);
      retry = Math.min(retry + 1, 6);
      retryTimer = setTimeout(connect, Math.min(15000, 500 * Math.pow(2, retry)));
    };
  }

  // ------------------------------------------------------------------ sending
  function send(text) {
    text = text.trim();
    if (!text) return;
    if (text.length > MAX_CHARS) { setNotice(T.too_long); return; }
    setNotice("");
    var pending = bubbleFor("shopper", text);
    pending.classList.add("pending");
    logEl.appendChild(pending);
    scrollDown();
    var ready = conv ? Promise.resolve(conv) : startConversation();
    ready.then(function () {
      if (ws && wsOpen && ws.readyState === 1) {
        ws.send(JSON.stringify({ type: "message", text: text }));
        return;
      }
      // The socket is down: the same turn over HTTP, then the stored transcript for seqs and citations.
      setTyping(true);
      return api("POST", "/v1/conversations/" + encodeURIComponent(conv.id) + "/messages", { text: text })
        .then(function () { return fetchTranscript(); })
        .finally(function () { setTyping(false); });
    }).catch(function (err) {
      pending.remove();
      if (err && (err.status === 401 || err.status === 403 || err.status === 404)) forget();
      setNotice(err && err.status === 413 ? T.too_long : T.failed);
    });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value;
    input.value = "";
    send(text);
    input.focus();
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit")); }
  });

  // ------------------------------------------------------------------ open / close
  function open() {
    panel.hidden = false;
    bubble.setAttribute("aria-expanded", "true");
    bubble.setAttribute("aria-label", T.close);
    bubble.classList.remove("unread");
    persist();
    if (!conv) startConversation().catch(function () { setNotice(T.failed); });
    setTimeout(function () { input.focus(); scrollDown(); }, 0);
  }
  function close() {
    panel.hidden = true;
    bubble.setAttribute("aria-expanded", "false");
    bubble.setAttribute("aria-label", T.open);
    persist();
    bubble.focus();
  }
  bubble.addEventListener("click", function () { isOpen() ? close() : open(); });
  $(".x").addEventListener("click", close);
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") close(); });
  restartBtn.addEventListener("click", function () { forget(); startConversation().catch(function () { setNotice(T.failed); }); });

  // ------------------------------------------------------------------ boot
  function boot() {
    document.body.appendChild(host);
    resetLog();
    setState("bot");
    if (conv) {
      // A page reload: show the stored transcript, then resume the live stream after its last seq.
      fetchTranscript().then(connect).catch(function (err) {
        if (err && (err.status === 401 || err.status === 403 || err.status === 404)) forget();
        else connect();
      });
      if (saved.open) open();
    }
  }
  if (document.body) boot(); else document.addEventListener("DOMContentLoaded", boot);
})();

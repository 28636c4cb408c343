/* The counter's page. Plain ES5 (no modules, no build step) so that an old desktop browser
 * runs it; live updates by server-sent events, or by polling where those are missing. */
(function () {
    "use strict";

    var TEXT = {
        en: {
            title: "Counter",
            logout: "Log out",
            login_title: "Counter login",
            counter_no: "Counter number",
            pin: "PIN",
            login: "Log in",
            current: "Now at this counter",
            call_from: "Call from",
            any_mine: "My categories",
            any_all: "Any category",
            category: "Category",
            next: "Call next",
            recall: "Recall",
            serve: "Arrived",
            done: "Done",
            noshow: "No-show",
            transfer: "Transfer",
            pause: "Pause",
            resume: "Resume",
            waiting: "Waiting",
            keys: "Keys: N call next, R recall, S arrived, D done, X no-show, T transfer, P pause or resume.",
            transfer_title: "Transfer to",
            to_counter: "Another counter",
            to_category: "or a category",
            none: "—",
            cancel: "Cancel",
            lang: "বাংলা",
            live: "live",
            polling: "updating",
            nobody: "Nobody is waiting.",
            called: "Called {t}",
            recalled: "Called {t} again",
            serving: "Serving {t}",
            finished: "{t} is done",
            noshowed: "{t} marked as no-show",
            transferred: "{t} transferred",
            paused: "Counter paused",
            resumed: "Counter open",
            calls: "called {n} times",
            state_called: "called",
            state_serving: "being served",
            priority: "priority",
            waiting_total: "Total",
            need_token: "No token at this counter.",
            offline: "The board does not answer. Retrying...",
            wrong_pin: "Wrong PIN for this counter.",
            locked: "Too many wrong PINs. Try again later.",
            counter: "Counter {n}"
        },
        bn: {
            title: "কাউন্টার",
            logout: "লগ আউট",
            login_title: "কাউন্টারে লগ ইন",
            counter_no: "কাউন্টার নম্বর",
            pin: "পিন",
            login: "লগ ইন",
            current: "এখন এই কাউন্টারে",
            call_from: "কোন বিভাগ থেকে ডাকবেন",
            any_mine: "আমার বিভাগগুলো",
            any_all: "যেকোনো বিভাগ",
            category: "বিভাগ",
            next: "পরের জনকে ডাকুন",
            recall: "আবার ডাকুন",
            serve: "এসেছেন",
            done: "শেষ",
            noshow: "আসেননি",
            transfer: "অন্যত্র পাঠান",
            pause: "বিরতি",
            resume: "আবার চালু",
            waiting: "অপেক্ষায়",
            keys: "কী: N পরের জন, R আবার ডাকুন, S এসেছেন, D শেষ, X আসেননি, T অন্যত্র পাঠান, P বিরতি বা চালু।",
            transfer_title: "কোথায় পাঠাবেন",
            to_counter: "অন্য কাউন্টার",
            to_category: "অথবা একটি বিভাগ",
            none: "—",
            cancel: "বাতিল",
            lang: "English",
            live: "সরাসরি",
            polling: "হালনাগাদ হচ্ছে",
            nobody: "কেউ অপেক্ষায় নেই।",
            called: "{t} ডাকা হয়েছে",
            recalled: "{t} আবার ডাকা হয়েছে",
            serving: "{t} সেবা পাচ্ছেন",
            finished: "{t} শেষ হয়েছে",
            noshowed: "{t} আসেননি",
            transferred: "{t} অন্যত্র পাঠানো হয়েছে",
            paused: "কাউন্টার বিরতিতে",
            resumed: "কাউন্টার চালু",
            calls: "{n} বার ডাকা হয়েছে",
            state_called: "ডাকা হয়েছে",
            state_serving: "সেবা চলছে",
            priority: "অগ্রাধিকার",
            waiting_total: "মোট",
            need_token: "এই কাউন্টারে কোনো টোকেন নেই।",
            offline: "বোর্ড সাড়া দিচ্ছে না। আবার চেষ্টা চলছে...",
            wrong_pin: "এই কাউন্টারের পিন ভুল।",
            locked: "অনেকবার ভুল পিন দেওয়া হয়েছে। পরে আবার চেষ্টা করুন।",
            counter: "কাউন্টার {n}"
        }
    };

    var state = {
        lang: "bn",
        session: null,
        queue: null,
        source: null,
        pollTimer: null,
        busy: false,
        live: false
    };

    function $(id) {
        return document.getElementById(id);
    }

    function store(key, value) {
        try {
            if (value === null) {
                window.sessionStorage.removeItem(key);
            } else {
                window.sessionStorage.setItem(key, value);
            }
        } catch (e) { /* private mode or an old browser: nothing is kept */ }
    }

    function load(key) {
        try {
            return window.sessionStorage.getItem(key);
        } catch (e) {
            return null;
        }
    }

    /* Bangla digits in Bangla: "B-০১২"; the category letter stays as printed. */
    function digits(s) {
        s = String(s);
        if (state.lang !== "bn") {
            return s;
        }
        return s.replace(/[0-9]/g, function (d) {
            return String.fromCharCode(0x09E6 + d.charCodeAt(0) - 48);
        });
    }

    function t(key, args) {
        var s = TEXT[state.lang][key] || TEXT.en[key] || key;
        if (args) {
            s = s.replace(/\{(\w+)\}/g, function (m, k) {
                return args[k] === undefined ? m : digits(args[k]);
            });
        }
        return s;
    }

    function setText(el, s) {
        while (el.firstChild) {
            el.removeChild(el.firstChild);
        }
        el.appendChild(document.createTextNode(s));
    }

    function translate() {
        var els = document.querySelectorAll("[data-t]");
        for (var i = 0; i < els.length; i++) {
            setText(els[i], t(els[i].getAttribute("data-t")));
        }
        setText($("lang"), t("lang"));
        document.documentElement.setAttribute("lang", state.lang);
        document.body.className = state.lang;
        showSaid();
        render();
    }

    function requestId() {
        var a = [], i, b;
        if (window.crypto && window.crypto.getRandomValues) {
            b = new Uint8Array(16);
            window.crypto.getRandomValues(b);
            for (i = 0; i < 16; i++) {
                a.push((b[i] < 16 ? "0" : "") + b[i].toString(16));
            }
        } else {
            for (i = 0; i < 4; i++) {
                a.push(Math.floor(Math.random() * 0x100000000).toString(16));
            }
        }
        return a.join("");
    }

    /* One API call; done(status, body) with the parsed JSON (or null). */
    function api(method, path, body, done) {
        var x = new XMLHttpRequest();
        x.open(method, path, true);
        if (state.session) {
            x.setRequestHeader("Authorization", "Bearer " + state.session);
        }
        if (body) {
            x.setRequestHeader("Content-Type", "application/json");
        }
        x.onreadystatechange = function () {
            if (x.readyState !== 4) {
                return;
            }
            var j = null;
            try {
                j = JSON.parse(x.responseText);
            } catch (e) { /* not JSON: j stays null */ }
            if (x.status === 401 && path !== "/api/login") {
                loggedOut();
                return;
            }
            done(x.status, j);
        };
        x.send(body ? JSON.stringify(body) : null);
    }

    /* The last message, kept as a key so that it follows a change of language. */
    var said = {key: null, args: null, raw: "", error: false};

    function showSaid() {
        var m = $("message");
        setText(m, said.key ? t(said.key, said.args) : said.raw);
        m.className = said.error ? "error" : "";
    }

    function say(key, args) {
        said = {key: key, args: args || null, raw: "", error: false};
        showSaid();
    }

    /* An error: a message key of ours, or the board's own words (the API speaks English). */
    function sayError(key, raw) {
        said = {key: key, args: null, raw: raw || "", error: true};
        showSaid();
    }

    function show(view) {
        $("login-view").className = view === "login" ? "" : "hidden";
        $("desk-view").className = view === "desk" ? "" : "hidden";
        $("logout").className = view === "desk" ? "flat" : "flat hidden";
    }

    /* --- the queue on the page ---------------------------------------------------------- */

    function mine() {
        var q = state.queue;
        if (!q || !q.me || !q.me.token) {
            return null;
        }
        for (var i = 0; i < q.serving.length; i++) {
            if (q.serving[i].token === q.me.token) {
                return q.serving[i];
            }
        }
        return null;
    }

    function option(sel, value, label) {
        var o = document.createElement("option");
        o.value = value;
        o.appendChild(document.createTextNode(label));
        sel.appendChild(o);
    }

    function categoriesKnown() {
        var q = state.queue, seen = {}, out = [], i, j;
        if (!q) {
            return out;
        }
        for (i = 0; i < q.categories.length; i++) {
            seen[q.categories[i].category] = true;
        }
        for (i = 0; i < q.counters.length; i++) {
            for (j = 0; j < q.counters[i].categories.length; j++) {
                seen[q.counters[i].categories[j]] = true;
            }
        }
        for (var k in seen) {
            if (seen.hasOwnProperty(k)) {
                out.push(k);
            }
        }
        out.sort();
        return out;
    }

    function fillNextCategories() {
        var sel = $("next-category"), keep = sel.value, q = state.queue, cats = categoriesKnown();
        while (sel.firstChild) {
            sel.removeChild(sel.firstChild);
        }
        var hasOwn = q && q.me && q.me.categories.length > 0;
        option(sel, "", hasOwn ? t("any_mine") + " (" + q.me.categories.join(", ") + ")"
            : t("any_all"));
        for (var i = 0; i < cats.length; i++) {
            option(sel, cats[i], t("category") + " " + cats[i]);
        }
        sel.value = keep;
        if (sel.value !== keep) {
            sel.value = "";
        }
    }

    function renderWaiting() {
        var q = state.queue, body = $("waiting").getElementsByTagName("tbody")[0];
        while (body.firstChild) {
            body.removeChild(body.firstChild);
        }
        function row(label, n, extra) {
            var tr = document.createElement("tr"), a = document.createElement("td"),
                b = document.createElement("td");
            a.appendChild(document.createTextNode(label + (extra ? " · " + extra : "")));
            b.className = "n";
            b.appendChild(document.createTextNode(digits(n)));
            tr.appendChild(a);
            tr.appendChild(b);
            body.appendChild(tr);
        }
        if (!q || q.waiting_total === 0) {
            row(t("nobody"), "");
            return;
        }
        for (var i = 0; i < q.categories.length; i++) {
            var c = q.categories[i];
            if (c.waiting > 0) {
                row(t("category") + " " + c.category, c.waiting,
                    c.priority ? digits(c.priority) + " " + t("priority") : "");
            }
        }
        row(t("waiting_total"), q.waiting_total);
    }

    function render() {
        var q = state.queue;
        if (!q || !q.me) {
            return;
        }
        setText($("counter-name"), digits(q.me.number) + (q.me.name ? " · " + q.me.name : ""));
        var cur = mine(), el = $("current");
        setText(el, cur ? digits(cur.token) : t("none"));
        el.className = cur ? "called" : "";
        setText($("current-detail"), cur
            ? t("state_" + cur.state) + (cur.calls > 1 ? " · " + t("calls", {n: cur.calls}) : "") +
                (cur.priority ? " · " + t("priority") : "")
            : "");
        $("btn-next").disabled = !!cur;
        $("btn-recall").disabled = !cur || cur.state !== "called";
        $("btn-serve").disabled = !cur || cur.state !== "called";
        $("btn-noshow").disabled = !cur || cur.state !== "called";
        $("btn-done").disabled = !cur;
        $("btn-transfer").disabled = !cur;
        setText($("pause-label"), t(q.me.paused ? "resume" : "pause"));
        setText($("live"), t(state.live ? "live" : "polling"));
        $("live").className = state.live ? "live-on" : "live-off";
        fillNextCategories();
        renderWaiting();
    }

    function gotQueue(q) {
        if (q && q.me) {
            state.queue = q;
            render();
        }
    }

    function refresh() {
        if (!state.session) {
            return;
        }
        api("GET", "/api/queue", null, function (status, j) {
            if (status === 200) {
                gotQueue(j);
            } else if (status === 0) {
                sayError("offline");
            }
        });
    }

    /* --- live updates --------------------------------------------------------------------- */

    function startPolling() {
        if (!state.pollTimer) {
            state.pollTimer = window.setInterval(refresh, 3000);
        }
    }

    function stopLive() {
        if (state.source) {
            state.source.close();
            state.source = null;
        }
        if (state.pollTimer) {
            window.clearInterval(state.pollTimer);
            state.pollTimer = null;
        }
        state.live = false;
    }

    function startLive() {
        stopLive();
        if (!window.EventSource) {
            startPolling();
            return;
        }
        var es = new window.EventSource("/api/events?session=" + encodeURIComponent(state.session));
        state.source = es;
        es.addEventListener("queue", function (e) {
            state.live = true;
            if (state.pollTimer) {
                window.clearInterval(state.pollTimer);
                state.pollTimer = null;
            }
            try {
                gotQueue(JSON.parse(e.data));
            } catch (err) { /* a broken message: the next one will do */ }
        });
        es.addEventListener("logout", function () {
            loggedOut();
        });
        es.onerror = function () {
            /* The browser reconnects by itself; poll meanwhile so the page stays right. */
            state.live = false;
            startPolling();
            render();
        };
    }

    /* --- actions ---------------------------------------------------------------------------- */

    var DONE_TEXT = {
        "/api/next": "called", "/api/recall": "recalled", "/api/serve": "serving",
        "/api/done": "finished", "/api/noshow": "noshowed", "/api/transfer": "transferred"
    };

    function act(path, body) {
        if (state.busy) {
            return; /* one action at a time: a double press does not send twice */
        }
        state.busy = true;
        document.body.setAttribute("data-busy", "1"); /* tests wait for the answer */
        body = body || {};
        body.request = requestId();
        api("POST", path, body, function (status, j) {
            state.busy = false;
            document.body.setAttribute("data-busy", "0");
            if (status === 200 && j) {
                if (path === "/api/pause") {
                    say(j.paused ? "paused" : "resumed");
                } else if (j.token === null) {
                    say("nobody");
                } else {
                    say(DONE_TEXT[path], {t: j.token});
                }
                refresh();
            } else if (j && j.error) {
                sayError(null, j.error);
                refresh();
            } else {
                sayError("offline");
            }
        });
    }

    function withToken(path) {
        var cur = mine();
        if (!cur) {
            sayError("need_token");
            return;
        }
        act(path, {token: cur.token});
    }

    function next() {
        var cat = $("next-category").value;
        act("/api/next", cat ? {category: cat} : {});
    }

    function pause() {
        var q = state.queue;
        act("/api/pause", {paused: !(q && q.me && q.me.paused)});
    }

    function openTransfer() {
        var cur = mine(), q = state.queue, sel = $("transfer-counter"), cs = $("transfer-category");
        if (!cur) {
            sayError("need_token");
            return;
        }
        while (sel.firstChild) {
            sel.removeChild(sel.firstChild);
        }
        while (cs.firstChild) {
            cs.removeChild(cs.firstChild);
        }
        option(sel, "", t("none"));
        for (var i = 0; i < q.counters.length; i++) {
            if (q.counters[i].number !== q.me.number) {
                option(sel, String(q.counters[i].number), t("counter", {n: q.counters[i].number}) +
                    " · " + q.counters[i].name);
            }
        }
        option(cs, "", t("none"));
        var cats = categoriesKnown();
        for (i = 0; i < cats.length; i++) {
            option(cs, cats[i], t("category") + " " + cats[i]);
        }
        $("transfer-dialog").className = "dialog";
        sel.focus();
    }

    function closeTransfer() {
        $("transfer-dialog").className = "dialog hidden";
    }

    function doTransfer() {
        var cur = mine(), to = $("transfer-counter").value, cat = $("transfer-category").value;
        closeTransfer();
        if (!cur || (!to && !cat)) {
            return;
        }
        act("/api/transfer", to ? {token: cur.token, counter: parseInt(to, 10)}
            : {token: cur.token, category: cat});
    }

    /* --- login ----------------------------------------------------------------------------- */

    function loggedIn(session) {
        state.session = session;
        store("session", session);
        show("desk");
        said = {key: null, args: null, raw: "", error: false};
        showSaid();
        refresh();
        startLive();
    }

    function loggedOut() {
        stopLive();
        state.session = null;
        state.queue = null;
        store("session", null);
        show("login");
        $("login-pin").value = "";
        $("login-counter").focus();
    }

    function login(e) {
        if (e && e.preventDefault) {
            e.preventDefault();
        }
        var n = parseInt($("login-counter").value, 10), pin = $("login-pin").value;
        setText($("login-error"), "");
        api("POST", "/api/login", {counter: n, pin: pin}, function (status, j) {
            $("login-pin").value = "";
            if (status === 200 && j && j.session) {
                loggedIn(j.session);
            } else if (status === 401) {
                setText($("login-error"), t("wrong_pin"));
            } else if (status === 429) {
                setText($("login-error"), t("locked") + (j && j.error ? " (" + j.error + ")" : ""));
            } else {
                setText($("login-error"), j && j.error ? j.error : t("offline"));
            }
        });
        return false;
    }

    function logout() {
        api("POST", "/api/logout", null, function () {
            loggedOut();
        });
    }

    /* --- keys ------------------------------------------------------------------------------ */

    function onKey(e) {
        e = e || window.event;
        var tag = (e.target && e.target.tagName) || "";
        if (e.keyCode === 27) {
            closeTransfer();
            return;
        }
        if (!state.session || e.ctrlKey || e.altKey || e.metaKey || tag === "INPUT" ||
            tag === "SELECT" || tag === "TEXTAREA" ||
            $("transfer-dialog").className.indexOf("hidden") < 0) {
            return;
        }
        var map = {78: next, 82: function () { withToken("/api/recall"); },
            83: function () { withToken("/api/serve"); },
            68: function () { withToken("/api/done"); },
            88: function () { withToken("/api/noshow"); }, 84: openTransfer, 80: pause};
        var f = map[e.keyCode];
        if (f) {
            if (e.preventDefault) {
                e.preventDefault();
            }
            f();
        }
    }

    function init() {
        var saved = load("lang");
        state.lang = saved === "en" ? "en" : "bn";
        $("login-form").onsubmit = login;
        $("lang").onclick = function () {
            state.lang = state.lang === "bn" ? "en" : "bn";
            store("lang", state.lang);
            translate();
        };
        $("logout").onclick = logout;
        $("btn-next").onclick = next;
        $("btn-recall").onclick = function () { withToken("/api/recall"); };
        $("btn-serve").onclick = function () { withToken("/api/serve"); };
        $("btn-done").onclick = function () { withToken("/api/done"); };
        $("btn-noshow").onclick = function () { withToken("/api/noshow"); };
        $("btn-transfer").onclick = openTransfer;
        $("btn-pause").onclick = pause;
        $("transfer-cancel").onclick = closeTransfer;
        $("transfer-ok").onclick = doTransfer;
        document.onkeydown = onKey;
        translate();
        var s = load("session");
        if (s) {
            loggedIn(s);
        } else {
            show("login");
        }
    }

    init();
}());

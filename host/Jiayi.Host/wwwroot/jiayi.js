// Session upkeep for the web platform (等保: idle sessions end). Activity (keys, clicks, touches) renews the
// session cookie at most once a minute; after window.jiayiIdleMinutes without activity the page signs out.
(function () {
    const idleMs = (window.jiayiIdleMinutes || 30) * 60 * 1000;
    let lastActivity = Date.now();
    let lastPing = Date.now();
    const mark = () => { lastActivity = Date.now(); };
    ["keydown", "mousedown", "touchstart", "wheel"].forEach(e => document.addEventListener(e, mark, { passive: true, capture: true }));
    setInterval(() => {
        const now = Date.now();
        if (now - lastActivity >= idleMs) {
            location.href = "/account/logout?reason=idle";
        } else if (lastActivity > lastPing && now - lastPing >= 60 * 1000) {
            lastPing = now;
            fetch("/account/ping", { method: "POST", credentials: "same-origin" }).then(r => {
                if (r.status === 401 || r.redirected) { location.href = "/account/login"; }
            }).catch(() => { });
        }
    }, 15 * 1000);

    // The ID card reader's local service (docs/integrations/id-card-reader.md): GET the configured URL,
    // answer {ok, error, name, idNumber, address} for the resident form. Never throws: manual entry always works.
    window.jiayiReadIdCard = async (url) => {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), 8000);
        try {
            const response = await fetch(url, { method: "GET", signal: controller.signal, cache: "no-store" });
            if (!response.ok) { return { ok: false, error: `读卡服务返回 HTTP ${response.status}` }; }
            const body = await response.json();
            if (body.code !== 0 || !body.data) { return { ok: false, error: body.message || "读卡器未读到身份证，请把证件放在读卡区后重试" }; }
            const d = body.data;
            return { ok: true, name: d.name || "", idNumber: d.idNumber || "", address: d.address || "" };
        } catch (e) {
            return { ok: false, error: e.name === "AbortError" ? "读卡服务无响应（8 秒超时）" : "连接不到读卡服务：请确认读卡器已连接、厂家服务已启动，或在系统参数中检查读卡服务地址" };
        } finally {
            clearTimeout(timer);
        }
    };

    // Files made on the server (templates, error reports, exports) are handed to the browser as a download.
    window.jiayiDownload = async (fileName, streamReference) => {
        const buffer = await streamReference.arrayBuffer();
        const url = URL.createObjectURL(new Blob([buffer]));
        const a = document.createElement("a");
        a.href = url;
        a.download = fileName;
        a.click();
        URL.revokeObjectURL(url);
    };
})();

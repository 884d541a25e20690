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

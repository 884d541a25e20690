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

// 在线签约 (/contracts/sign): the resident's signature drawn on a canvas (mouse, touch and pen alike, through
// pointer events), the on-site photo (camera preview, or a picture file, scaled down to a JPEG) and the
// browser's location. Images go to the server as data URLs, handed over as a stream: a Blazor message is
// limited to 32 KB.
window.jiayiSigning = (() => {
    const pads = new WeakMap();
    const photos = new WeakMap();
    const maxPhotoSide = 1600;
    const stream = text => new TextEncoder().encode(text);

    function scaled(source, width, height) {
        const factor = Math.min(1, maxPhotoSide / Math.max(width, height));
        const canvas = document.createElement("canvas");
        canvas.width = Math.round(width * factor);
        canvas.height = Math.round(height * factor);
        canvas.getContext("2d").drawImage(source, 0, 0, canvas.width, canvas.height);
        return canvas;
    }

    function keep(img, canvas) {
        const url = canvas.toDataURL("image/jpeg", 0.85);
        photos.set(img, url);
        img.src = url;
        return { width: canvas.width, height: canvas.height, kilobytes: Math.round(url.length * 3 / 4 / 1024) };
    }

    function stopCamera(video) {
        if (video.srcObject) {
            video.srcObject.getTracks().forEach(t => t.stop());
            video.srcObject = null;
        }
    }

    return {
        pad(canvas) {
            const ratio = Math.max(window.devicePixelRatio || 1, 1);
            const rect = canvas.getBoundingClientRect();
            canvas.width = Math.round(rect.width * ratio);
            canvas.height = Math.round(rect.height * ratio);
            const context = canvas.getContext("2d");
            context.lineCap = "round";
            context.lineJoin = "round";
            context.strokeStyle = context.fillStyle = "#111827";
            const state = { strokes: 0, last: null };
            pads.set(canvas, state);
            // Coordinates in canvas pixels, whatever the canvas's size on screen now.
            const at = e => {
                const r = canvas.getBoundingClientRect();
                return { x: (e.clientX - r.left) * canvas.width / r.width, y: (e.clientY - r.top) * canvas.height / r.height };
            };
            const width = e => ratio * (e.pointerType === "pen" && e.pressure > 0 ? 1.2 + e.pressure * 2.6 : 2.6);
            canvas.addEventListener("pointerdown", e => {
                e.preventDefault();
                canvas.setPointerCapture(e.pointerId);
                state.last = at(e);
                state.strokes++;
                context.beginPath();
                context.arc(state.last.x, state.last.y, width(e) / 2, 0, 2 * Math.PI);
                context.fill();
            });
            canvas.addEventListener("pointermove", e => {
                if (!state.last) { return; }
                for (const event of e.getCoalescedEvents ? e.getCoalescedEvents() : [e]) {
                    const p = at(event);
                    context.lineWidth = width(event);
                    context.beginPath();
                    context.moveTo(state.last.x, state.last.y);
                    context.lineTo(p.x, p.y);
                    context.stroke();
                    state.last = p;
                }
            });
            const end = () => { state.last = null; };
            canvas.addEventListener("pointerup", end);
            canvas.addEventListener("pointercancel", end);
        },
        clear(canvas) {
            canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
            pads.get(canvas).strokes = 0;
        },
        isBlank: canvas => (pads.get(canvas)?.strokes ?? 0) === 0,
        signature: canvas => stream(canvas.toDataURL("image/png")),

        async startCamera(video) {
            if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
                return { ok: false, error: "此浏览器或当前连接（非 HTTPS）不能使用摄像头，请改用“选择照片”" };
            }
            try {
                video.srcObject = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
                await video.play();
                return { ok: true };
            } catch (e) {
                stopCamera(video);
                return {
                    ok: false,
                    error: e.name === "NotAllowedError" ? "已拒绝使用摄像头：可在浏览器的站点设置中允许后重试，或改用“选择照片”"
                        : e.name === "NotFoundError" ? "没有找到摄像头，请改用“选择照片”"
                        : "打开摄像头失败（" + e.name + "），请改用“选择照片”",
                };
            }
        },
        stopCamera,
        capture(video, img) {
            if (!video.videoWidth) { return { error: "摄像头画面尚未就绪，请稍候再拍" }; }
            const canvas = scaled(video, video.videoWidth, video.videoHeight);
            stopCamera(video);
            return keep(img, canvas);
        },
        async loadPhoto(input, img) {
            const file = input.files && input.files[0];
            input.value = "";
            if (!file) { return null; }
            try {
                const bitmap = await createImageBitmap(file);
                return keep(img, scaled(bitmap, bitmap.width, bitmap.height));
            } catch {
                return { error: "无法读取该文件，请选择 JPEG 或 PNG 照片" };
            }
        },
        clearPhoto(img) {
            photos.delete(img);
            img.removeAttribute("src");
        },
        photo: img => stream(photos.get(img) || ""),

        locate: () => new Promise(resolve => {
            if (!navigator.geolocation) {
                resolve({ ok: false, error: "此浏览器不支持定位；定位是可选的，不影响签约" });
                return;
            }
            navigator.geolocation.getCurrentPosition(
                p => resolve({ ok: true, latitude: p.coords.latitude, longitude: p.coords.longitude, accuracy: p.coords.accuracy }),
                e => resolve({
                    ok: false,
                    error: e.code === 1 ? "定位被拒绝（浏览器未允许本站定位，或当前连接不是 HTTPS）：可在站点设置中允许后重试；定位是可选的，不影响签约"
                        : e.code === 3 ? "定位超时，请到信号较好的地方重试；定位是可选的"
                        : "无法获取位置（设备未开启定位服务）；定位是可选的，不影响签约",
                }),
                { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
        }),
    };
})();

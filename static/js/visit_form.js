// The visit record form on a phone in a school without a steady connection.
//
// What is typed is kept in localStorage every few seconds and restored after a reload or a dead
// battery; the draft is sent to the server whenever the phone is online. Each chosen photo or PDF
// goes into an IndexedDB queue first and is uploaded from there, so it survives being offline or a
// reload. Texts come from data-msg-* attributes on the form (the template translates them).
(() => {
  "use strict";

  const form = document.getElementById("visit-form");
  if (!form) {
    return;
  }

  const SAVE_DELAY_MS = 3000;
  const RETRY_DELAY_MS = 30000;
  const DRAFT_PREFIX = "dudao:visit-draft:";
  const DRAFT_MAX_AGE_MS = 30 * 24 * 3600 * 1000;
  const NOT_SAVED_TYPES = ["file", "submit", "button", "reset", "image"];
  const TONES = ["text-success", "text-warning-emphasis", "text-danger", "text-body-secondary"];
  const FALLBACK_MESSAGES = {
    msgSaving: "正在保存…",
    msgSaved: "已保存 {time}",
    msgOffline: "离线，已保存在本机",
    msgFailed: "未能保存到服务器，已保存在本机，稍后自动重试",
    msgConflict: "此记录已在别处提交，这里的修改不再保存。",
    msgRestored: "已恢复本机 {time} 保存的内容。",
    msgOfflineSubmit: "离线：联网后再提交",
    msgPhotosPending: "照片仍在上传，请稍候再提交。",
    msgPhotoWaiting: "等待上传",
    msgPhotoUploading: "正在上传…",
    msgPhotoOffline: "离线，联网后自动上传",
    msgPhotoRetry: "上传未成功，稍后自动重试",
    msgPhotoFailed: "上传失败",
    msgPhotoDelete: "删除",
    msgPhotoDeleteConfirm: "删除这张照片？",
    msgPhotoDeleteFailed: "照片未能删除，请联网后重试。",
    msgFileDeleteConfirm: "删除这个文件？",
    msgTooBig: "文件超过上传上限。",
  };

  const draftKey = DRAFT_PREFIX + form.dataset.draftKey;
  const statusLine = document.getElementById("autosave-status");
  const photoInput = document.getElementById("photo-input");
  const photoList = document.getElementById("visit-photos");

  let saveTimer = null;
  let retryTimer = null;
  let changes = 0; // bumped on every edit, to tell whether a finished save sent the latest
  let unsynced = false;
  let serverSave = null; // the autosave request in flight
  let saveAgain = false;
  let stopped = false; // the visit was submitted elsewhere
  const uploading = new Set();

  const message = (name, values = {}) =>
    Object.keys(values).reduce(
      (text, key) => text.replace(`{${key}}`, values[key]),
      form.dataset[name] || FALLBACK_MESSAGES[name]
    );

  const clock = (date) =>
    `${String(date.getHours()).padStart(2, "0")}:${String(date.getMinutes()).padStart(2, "0")}`;

  function showStatus(text, tone) {
    if (statusLine) {
      statusLine.textContent = text;
      statusLine.classList.remove(...TONES);
      statusLine.classList.add(tone);
    }
  }

  const csrfToken = () => form.elements.csrfmiddlewaretoken.value;

  const post = (url, body, keepalive = false) =>
    fetch(url, {
      method: "POST",
      body,
      keepalive,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    });

  // Requests go one at a time: a thin rural connection finishes each sooner, and the server
  // takes its lock on the visit for every save and photo anyway.
  let lane = Promise.resolve();
  function inTurn(task) {
    const turn = lane.then(task);
    lane = turn.catch(() => undefined);
    return turn;
  }

  // ---- Form values <-> localStorage ----

  const savedElements = () =>
    Array.from(form.elements).filter(
      (element) =>
        element.name &&
        !element.disabled &&
        element.name !== "csrfmiddlewaretoken" &&
        !NOT_SAVED_TYPES.includes(element.type)
    );

  function collectFields() {
    const fields = {};
    for (const element of savedElements()) {
      const values = fields[element.name] || (fields[element.name] = []);
      if (element.type === "checkbox" || element.type === "radio") {
        if (element.checked) {
          values.push(element.value);
        }
      } else if (element.type === "select-multiple") {
        values.push(...Array.from(element.selectedOptions, (option) => option.value));
      } else {
        values.push(element.value);
      }
    }
    return fields;
  }

  function restoreFields(fields) {
    // First as many formset rows as the copy had, then every value.
    for (const name of Object.keys(fields)) {
      const match = /^(.+)-TOTAL_FORMS$/.exec(name);
      if (match) {
        const wanted = parseInt(fields[name][0], 10);
        let added = true;
        while (added && formsetTotal(match[1]) < wanted) {
          added = addFormsetRow(match[1]);
        }
      }
    }
    const seen = {};
    for (const element of savedElements()) {
      const values = fields[element.name];
      if (!values) {
        continue;
      }
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = values.includes(element.value);
      } else if (element.type === "select-multiple") {
        for (const option of element.options) {
          option.selected = values.includes(option.value);
        }
      } else {
        const index = seen[element.name] || 0;
        if (index < values.length) {
          element.value = values[index];
        }
        seen[element.name] = index + 1;
      }
    }
  }

  function readDraft(key) {
    try {
      return JSON.parse(window.localStorage.getItem(key));
    } catch (error) {
      return null;
    }
  }

  function saveLocally() {
    window.clearTimeout(saveTimer);
    saveTimer = null;
    const draft = {
      savedAt: new Date().toISOString(),
      serverSavedAt: form.dataset.serverSavedAt || "",
      synced: !unsynced,
      fields: collectFields(),
    };
    try {
      window.localStorage.setItem(draftKey, JSON.stringify(draft));
    } catch (error) {
      // Storage full or switched off: the server copy is all there is.
    }
  }

  function forgetOldDrafts() {
    for (const key of Object.keys(window.localStorage)) {
      if (key.startsWith(DRAFT_PREFIX) && key !== draftKey) {
        const draft = readDraft(key);
        if (!draft || !(Date.now() - Date.parse(draft.savedAt) < DRAFT_MAX_AGE_MS)) {
          window.localStorage.removeItem(key);
        }
      }
    }
  }

  // The local copy wins when it holds unsent edits and the server has saved nothing since the
  // copy was taken (or the copy is the newer of the two).
  function restoreDraft() {
    const draft = readDraft(draftKey);
    if (!draft || !draft.fields) {
      return;
    }
    const serverTime = Date.parse(form.dataset.serverSavedAt) || 0;
    const draftServerTime = Date.parse(draft.serverSavedAt) || 0;
    const newer =
      (!draft.synced &&
        (draftServerTime === serverTime || Date.parse(draft.savedAt) > serverTime)) ||
      // The page is older than a save this phone already made: a copy the service worker kept.
      draftServerTime > serverTime;
    if (!newer) {
      window.localStorage.removeItem(draftKey);
      return;
    }
    if (JSON.stringify(draft.fields) === JSON.stringify(collectFields())) {
      return; // the page shows it already, e.g. after a validation error
    }
    restoreFields(draft.fields);
    unsynced = true;
    changes += 1;
    const notice = document.createElement("div");
    notice.id = "draft-restored";
    notice.className = "alert alert-info";
    notice.setAttribute("role", "status");
    notice.textContent = message("msgRestored", { time: clock(new Date(draft.savedAt)) });
    form.before(notice);
  }

  // ---- Sending the draft ----

  function stop() {
    stopped = true;
    window.clearTimeout(saveTimer);
    window.clearTimeout(retryTimer);
    showStatus(message("msgConflict"), "text-danger");
  }

  function retryLater() {
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(syncAll, RETRY_DELAY_MS);
  }

  function draftBody() {
    const body = new FormData(form);
    for (const input of form.querySelectorAll("input[type=file][name]")) {
      body.delete(input.name);
    }
    return body;
  }

  async function saveToServer(keepalive = false) {
    if (stopped) {
      return;
    }
    if (!navigator.onLine) {
      showStatus(message("msgOffline"), "text-warning-emphasis");
      return;
    }
    if (serverSave) {
      saveAgain = true;
      return;
    }
    let sentChanges = changes;
    const send = () => {
      sentChanges = changes;
      return post(form.dataset.autosaveUrl, draftBody(), keepalive);
    };
    showStatus(message("msgSaving"), "text-body-secondary");
    // A page being left cannot wait for its turn.
    serverSave = keepalive ? send() : inTurn(send);
    try {
      const response = await serverSave;
      if (response.status === 409) {
        stop();
        return;
      }
      const answer = response.ok ? await response.json() : {};
      if (!answer.ok) {
        throw new Error(`autosave answered ${response.status}`);
      }
      form.dataset.serverSavedAt = answer.saved_at;
      if (changes === sentChanges) {
        unsynced = false;
      }
      saveLocally();
      showStatus(message("msgSaved", { time: clock(new Date(answer.saved_at)) }), "text-success");
    } catch (error) {
      if (navigator.onLine) {
        showStatus(message("msgFailed"), "text-warning-emphasis");
        retryLater();
      } else {
        showStatus(message("msgOffline"), "text-warning-emphasis");
      }
    } finally {
      serverSave = null;
      if (saveAgain) {
        saveAgain = false;
        saveToServer();
      }
    }
  }

  function saveSoon() {
    changes += 1;
    unsynced = true;
    if (!saveTimer && !stopped) {
      saveTimer = window.setTimeout(() => {
        saveLocally();
        saveToServer();
      }, SAVE_DELAY_MS);
    }
  }

  function saveNow(keepalive = false) {
    if (unsynced && !stopped) {
      saveLocally();
      saveToServer(keepalive);
    }
  }

  function syncAll() {
    saveNow();
    uploadQueuedPhotos();
  }

  // ---- Formset rows ----

  function formsetTotal(prefix) {
    const total = form.elements[`${prefix}-TOTAL_FORMS`];
    return total ? parseInt(total.value, 10) : 0;
  }

  // A new row goes right before <template id="<prefix>-empty-form">.
  function addFormsetRow(prefix) {
    const template = document.getElementById(`${prefix}-empty-form`);
    const total = form.elements[`${prefix}-TOTAL_FORMS`];
    if (!template || !total) {
      return null;
    }
    const index = parseInt(total.value, 10);
    const row = template.content.cloneNode(true);
    for (const element of row.querySelectorAll("*")) {
      for (const attribute of Array.from(element.attributes)) {
        if (attribute.value.includes("__prefix__")) {
          attribute.value = attribute.value.replace(/__prefix__/g, String(index));
        }
      }
    }
    const first = row.firstElementChild;
    template.before(row);
    total.value = String(index + 1);
    return first;
  }

  // A new problem row starts from the first matter judged "problem" that has no row yet,
  // with what was seen there as its description: the inspector only adjusts it.
  function prefillFromJudgedMatter(row) {
    const taken = new Set(
      Array.from(form.querySelectorAll("select[name^='problems-'][name$='-matter']"))
        .map((select) => select.value)
        .filter(Boolean)
    );
    const judged = Array.from(
      form.querySelectorAll("input[name^='matters-'][name$='-judgement'][value='problem']:checked")
    )
      .map((radio) => {
        const prefix = radio.name.replace(/-judgement$/, "");
        return {
          matter: form.querySelector(`[name='${prefix}-matter']`)?.value,
          observation: form.querySelector(`[name='${prefix}-observation']`)?.value || "",
        };
      })
      .find((entry) => entry.matter && !taken.has(entry.matter));
    if (!judged) {
      return;
    }
    const matter = row.querySelector("select[name$='-matter']");
    const description = row.querySelector("textarea[name$='-description']");
    if (matter) {
      matter.value = judged.matter;
    }
    if (description && !description.value) {
      description.value = judged.observation;
    }
  }

  const addProblem = document.getElementById("add-problem");
  if (addProblem) {
    addProblem.addEventListener("click", (event) => {
      event.preventDefault();
      const row = addFormsetRow("problems");
      if (row) {
        prefillFromJudgedMatter(row);
      }
      const field = row && row.querySelector("input:not([type=hidden]), select, textarea");
      if (field) {
        field.focus();
      }
      saveSoon();
    });
  }

  // ---- Judgements: "the rest are normal" once a matter is judged ----

  const restBar = document.getElementById("rest-normal-bar");
  const restButton = document.getElementById("rest-normal");
  const judgementGroups = () =>
    Array.from(form.querySelectorAll(".judgement-buttons")).map((group) =>
      Array.from(group.querySelectorAll("input[type=radio]"))
    );
  const unjudged = (radios) => radios.some((radio) => radio.value === "" && radio.checked);

  function showRestNormal() {
    if (!restBar) {
      return;
    }
    const groups = judgementGroups();
    const open = groups.filter(unjudged).length;
    restBar.hidden = !(open > 0 && open < groups.length);
  }

  if (restBar && restButton) {
    restButton.addEventListener("click", () => {
      for (const radios of judgementGroups().filter(unjudged)) {
        const normal = radios.find((radio) => radio.value === restButton.dataset.value);
        if (normal) {
          normal.checked = true;
          normal.dispatchEvent(new Event("change", { bubbles: true }));
        }
      }
      showRestNormal();
    });
    form.addEventListener("change", (event) => {
      if (event.target.type === "radio") {
        showRestNormal();
      }
    });
    showRestNormal();
  }

  // ---- Co-inspectors: find others of the county by name, in place ----

  const coSearch = document.getElementById("co-search");
  const coButton = document.getElementById("co-search-button");
  const coChips = document.getElementById("co-inspector-chips");
  const coStatus = document.getElementById("co-search-status");

  function addCoInspectorChip(inspector) {
    const value = String(inspector.id);
    const name = coChips.dataset.name;
    if (coChips.querySelector(`input[value="${CSS.escape(value)}"]`)) {
      return;
    }
    const input = document.createElement("input");
    input.type = "checkbox";
    input.className = "btn-check";
    input.autocomplete = "off";
    input.name = name;
    input.value = value;
    input.id = `co-inspector-${value}`;
    const label = document.createElement("label");
    label.className = "btn btn-outline-primary";
    label.htmlFor = input.id;
    label.textContent = inspector.name;
    coChips.append(input, label);
  }

  async function findCoInspectors() {
    const query = coSearch.value.trim();
    if (!query) {
      return;
    }
    try {
      const url = `${coSearch.dataset.url}?${new URLSearchParams({ q: query })}`;
      const response = await fetch(url, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      const answer = response.ok ? await response.json() : { results: [] };
      answer.results.forEach(addCoInspectorChip);
      const names = answer.results.map((inspector) => inspector.name).join("、");
      coStatus.textContent = names
        ? coSearch.dataset.msgFound.replace("{names}", names)
        : coSearch.dataset.msgNone;
    } catch (error) {
      coStatus.textContent = message("msgOffline");
    }
  }

  if (coSearch && coButton && coChips && coStatus) {
    coButton.addEventListener("click", (event) => {
      event.preventDefault(); // without JavaScript the button saves and reopens with matches
      findCoInspectors();
    });
    coSearch.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        findCoInspectors();
      }
    });
  }

  // ---- Photo queue: IndexedDB, or memory in a browser without it ----

  const photoQueue = (() => {
    let memory = [];
    let nextMemoryId = 1;
    const database = new Promise((resolve) => {
      if (!window.indexedDB) {
        resolve(null);
        return;
      }
      const request = window.indexedDB.open("dudao-photo-queue", 1);
      request.onupgradeneeded = () => {
        const store = request.result.createObjectStore("photos", {
          keyPath: "id",
          autoIncrement: true,
        });
        store.createIndex("draftKey", "draftKey");
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => resolve(null);
    });

    const run = (db, mode, work) =>
      new Promise((resolve, reject) => {
        const tx = db.transaction("photos", mode);
        const request = work(tx.objectStore("photos"));
        tx.oncomplete = () => resolve(request.result);
        tx.onerror = () => reject(tx.error);
      });

    return {
      async add(record) {
        const db = await database;
        if (!db) {
          memory.push(Object.assign({}, record, { id: nextMemoryId }));
          return nextMemoryId++;
        }
        return run(db, "readwrite", (store) => store.add(record));
      },
      async list(key) {
        const db = await database;
        if (!db) {
          return memory.filter((record) => record.draftKey === key);
        }
        return run(db, "readonly", (store) => store.index("draftKey").getAll(key));
      },
      async remove(id) {
        const db = await database;
        if (!db) {
          memory = memory.filter((record) => record.id !== id);
          return;
        }
        await run(db, "readwrite", (store) => store.delete(id));
      },
    };
  })();

  // ---- Photos on the page ----

  let photoErrors = null;

  function showPhotoError(text) {
    if (!photoErrors) {
      photoErrors = document.createElement("div");
      photoErrors.id = "photo-errors";
      photoErrors.className = "text-danger small mt-1";
      photoErrors.setAttribute("role", "alert");
      photoInput.after(photoErrors);
    }
    const line = document.createElement("div");
    line.textContent = text;
    photoErrors.append(line);
  }

  // A PDF: <a class="file-chip" href download><span>PDF</span><span>size</span></a>, as _photo.html.
  function fileFigure(name, caption, href, sizeText) {
    const figure = document.createElement("figure");
    figure.className = "visit-photo visit-file";
    const chip = document.createElement(href ? "a" : "span");
    chip.className = "file-chip";
    if (href) {
      chip.href = href;
      chip.download = "";
    }
    const kind = document.createElement("span");
    kind.className = "file-chip-kind";
    kind.textContent = "PDF";
    const size = document.createElement("span");
    size.className = "file-chip-size";
    size.textContent = sizeText;
    chip.append(kind, size);
    chip.title = name;
    const figcaption = document.createElement("figcaption");
    figcaption.className = "small text-truncate";
    figcaption.textContent = caption;
    figure.append(chip, figcaption);
    return figure;
  }

  // What the browser says about a chosen file decides only how it shows; the server checks it.
  const looksLikePdf = (file) =>
    file.type === "application/pdf" || /\.pdf$/i.test(file.name || "");

  // <figure class="visit-photo"><a href><img class="img-thumbnail"></a><figcaption></figure>
  function photoFigure(imageUrl, name, caption, href) {
    const figure = document.createElement("figure");
    figure.className = "visit-photo";
    const image = document.createElement("img");
    image.className = "img-thumbnail";
    image.src = imageUrl;
    image.alt = name;
    if (href) {
      const link = document.createElement("a");
      link.href = href;
      link.append(image);
      figure.append(link);
    } else {
      figure.append(image);
    }
    const figcaption = document.createElement("figcaption");
    figcaption.className = "small text-truncate";
    figcaption.textContent = caption;
    figure.append(figcaption);
    return figure;
  }

  // The same delete form as the server renders in _photo.html.
  function deleteForm(url, isFile) {
    const deleting = document.createElement("form");
    deleting.method = "post";
    deleting.action = url;
    deleting.dataset.confirm = message(isFile ? "msgFileDeleteConfirm" : "msgPhotoDeleteConfirm");
    const token = document.createElement("input");
    token.type = "hidden";
    token.name = "csrfmiddlewaretoken";
    token.value = csrfToken();
    const button = document.createElement("button");
    button.type = "submit";
    button.className = "btn btn-link btn-sm text-danger p-0";
    button.textContent = message("msgPhotoDelete");
    deleting.append(token, button);
    return deleting;
  }

  // Deleting a photo stays on the page. dudao.js, listening before this, has asked to confirm.
  async function deletePhoto(event) {
    const deleting = event.target;
    if (event.defaultPrevented || !photoList.contains(deleting)) {
      return;
    }
    event.preventDefault();
    const button = deleting.querySelector("button");
    button.disabled = true;
    try {
      const response = await inTurn(() => post(deleting.action, new FormData(deleting)));
      if (response.status === 409) {
        stop();
        return;
      }
      if (!response.ok && response.status !== 404) {
        throw new Error(`photo delete answered ${response.status}`);
      }
      deleting.closest(".visit-photo").remove(); // 404: it was deleted already
    } catch (error) {
      showPhotoError(message("msgPhotoDeleteFailed"));
    } finally {
      button.disabled = false;
    }
  }

  function pendingFigure(record) {
    let figure = photoList.querySelector(`[data-queue-id="${record.id}"]`);
    if (!figure) {
      figure = looksLikePdf(record.file)
        ? fileFigure(record.name, "", "", "")
        : photoFigure(URL.createObjectURL(record.file), record.name, "", "");
      figure.classList.add("is-pending");
      figure.dataset.queueId = String(record.id);
      photoList.append(figure);
    }
    return figure;
  }

  function setPending(figure, text) {
    figure.querySelector("figcaption").textContent = text;
  }

  function dropFigure(figure) {
    const preview = figure.querySelector("img");
    if (preview) {
      URL.revokeObjectURL(preview.src);
    }
    figure.remove();
  }

  async function uploadPhoto(record) {
    const figure = pendingFigure(record);
    if (stopped || uploading.has(record.id)) {
      return;
    }
    if (!navigator.onLine) {
      setPending(figure, message("msgPhotoOffline"));
      return;
    }
    uploading.add(record.id);
    setPending(figure, message("msgPhotoWaiting"));
    const body = new FormData();
    body.append("file", record.file, record.name);
    // When the photo was taken: it may reach the server hours later.
    body.append("taken_at", new Date(record.addedAt).toISOString());
    try {
      const response = await inTurn(() => {
        setPending(figure, message("msgPhotoUploading"));
        return post(form.dataset.photoUrl, body);
      });
      if (response.ok) {
        const photo = await response.json();
        await photoQueue.remove(record.id);
        const isFile = photo.kind === "pdf";
        const uploaded = isFile
          ? fileFigure(photo.name, photo.name, photo.url, photo.size_display)
          : photoFigure(photo.thumbnail_url, photo.name, photo.name, photo.url);
        uploaded.dataset.photoId = String(photo.id);
        uploaded.append(deleteForm(photo.delete_url, isFile));
        figure.before(uploaded);
        dropFigure(figure);
      } else if (response.status === 400 || response.status === 413) {
        // The server will never take this file: say why and let it go.
        const answer = await response.json().catch(() => ({}));
        showPhotoError(`${record.name}：${answer.error || message("msgPhotoFailed")}`);
        await photoQueue.remove(record.id);
        dropFigure(figure);
      } else if (response.status === 409) {
        stop();
        setPending(figure, message("msgConflict"));
      } else {
        throw new Error(`photo upload answered ${response.status}`);
      }
    } catch (error) {
      if (navigator.onLine) {
        setPending(figure, message("msgPhotoRetry"));
        retryLater();
      } else {
        setPending(figure, message("msgPhotoOffline"));
      }
    } finally {
      uploading.delete(record.id);
    }
  }

  async function uploadQueuedPhotos() {
    if (photoList) {
      const records = await photoQueue.list(draftKey);
      await Promise.all(records.map(uploadPhoto));
    }
  }

  async function queuePhoto(file) {
    const record = { draftKey, file, name: file.name, addedAt: Date.now() };
    record.id = await photoQueue.add(record);
    await uploadPhoto(record);
  }

  if (photoList) {
    document.addEventListener("submit", deletePhoto);
  }

  if (photoInput && photoList) {
    photoInput.addEventListener("change", () => {
      const files = Array.from(photoInput.files);
      photoInput.value = ""; // the files travel through the queue, never with the form
      if (photoErrors) {
        photoErrors.textContent = "";
      }
      // A file over the county's limit is refused here, before a slow connection carries it.
      const maxBytes = Number(photoInput.dataset.maxBytes) || Infinity;
      files.forEach((file) => {
        if (file.size > maxBytes) {
          showPhotoError(`${file.name}：${photoInput.dataset.msgTooBig || message("msgTooBig")}`);
        } else {
          queuePhoto(file);
        }
      });
    });
  }

  // ---- Wiring ----

  const onEdit = (event) => {
    if (event.target.type !== "file") {
      saveSoon();
    }
  };
  form.addEventListener("input", onEdit);
  form.addEventListener("change", onEdit);

  // Said next to the button tapped too: the status line is far up a long form.
  function refuseSubmit(event, text) {
    event.preventDefault();
    showStatus(text, "text-danger");
    let note = document.getElementById("submit-refused");
    if (!note) {
      note = document.createElement("div");
      note.id = "submit-refused";
      note.className = "alert alert-warning py-2 mt-2";
      note.setAttribute("role", "alert");
      (event.submitter ? event.submitter.parentElement : form).after(note);
    }
    note.textContent = text;
  }

  function forgetRefusal() {
    const note = document.getElementById("submit-refused");
    if (note) {
      note.remove();
    }
  }

  form.addEventListener("submit", (event) => {
    saveLocally();
    forgetRefusal();
    if (!navigator.onLine) {
      refuseSubmit(event, message("msgOfflineSubmit"));
      return;
    }
    if (photoList && photoList.querySelector(".is-pending")) {
      refuseSubmit(event, message("msgPhotosPending"));
      return;
    }
    // The POST carries everything; leaving the page must not autosave behind it.
    window.clearTimeout(saveTimer);
    saveTimer = null;
    unsynced = false;
  });

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      saveNow(true);
    }
  });
  // A page on its way out starts nothing new (the service worker would carry a request on after
  // the page is gone); the next opening sends what is kept.
  let leaving = false;
  window.addEventListener("pagehide", () => {
    saveNow(true);
    leaving = true;
  });
  window.addEventListener("pageshow", () => {
    leaving = false;
  });
  window.addEventListener("online", () => {
    forgetRefusal();
    if (!leaving) {
      syncAll();
    }
  });
  window.addEventListener("offline", () => {
    if (unsynced) {
      saveLocally();
    }
    showStatus(message("msgOffline"), "text-warning-emphasis");
  });

  // ---- Offline reload: visit_sw.js keeps this page and its assets ----

  function keepPageForOffline() {
    if (!("serviceWorker" in navigator) || !form.dataset.swUrl) {
      return;
    }
    const loadedWithoutWorker = !navigator.serviceWorker.controller;
    navigator.serviceWorker
      .register(form.dataset.swUrl)
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => {
        if (loadedWithoutWorker && registration.active) {
          const assets = document.querySelectorAll(
            "script[src], link[href][rel~=stylesheet], link[href][rel~=icon]"
          );
          const keep = [
            window.location.href,
            ...Array.from(assets, (asset) => asset.src || asset.href),
          ];
          registration.active.postMessage({ keep });
        }
      })
      .catch(() => undefined); // no worker: the page still works while it stays open
  }

  keepPageForOffline();
  forgetOldDrafts();
  restoreDraft();
  showRestNormal();
  saveNow();
  uploadQueuedPhotos();
})();

/* 商品图片与视频 on the product form: drop or pick files → uploaded at once through /api/seller/media/…,
   previews with hidden inputs (their order is the gallery's order), reorder by dragging (SortableJS), remove;
   colour images; the main-image video. The detail editor is Quill, whose image button uploads the same way.
   Without JavaScript the file inputs are posted with the form and the textarea keeps the HTML. */
(function () {
  "use strict";
  const block = document.querySelector("[data-media-block]");
  if (!block) return;
  block.classList.add("js");
  const form = block.closest("form");
  const gallery = block.querySelector("[data-gallery]");
  const errorBox = block.querySelector("[data-media-error]");
  const max = Number(block.dataset.max || 10);
  let pending = 0;

  const say = (message) => { errorBox.textContent = message || ""; };
  const csrf = () => (form.querySelector("[name=csrfmiddlewaretoken]") || {}).value || "";

  async function upload(url, file, purpose) {
    const body = new FormData();
    body.append("file", file);
    if (purpose) body.append("purpose", purpose);
    pending += 1;
    try {
      const response = await fetch(url, {
        method: "POST", body, credentials: "same-origin", headers: { "X-CSRFToken": csrf() },
      });
      let data = {};
      try { data = await response.json(); } catch (e) { /* not JSON */ }
      if (!response.ok) throw new Error(data.detail || "上传失败（" + response.status + "）");
      return data;
    } finally {
      pending -= 1;
    }
  }

  function hidden(name, value) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    return input;
  }

  function item(asset, fields, { badge = false, tag = "li" } = {}) {
    const el = document.createElement(tag);
    el.className = "media-item";
    el.dataset.id = asset.id;
    if (asset.kind === "video") {
      const video = document.createElement("video");
      video.src = asset.url;
      video.muted = true;
      video.preload = "metadata";
      el.append(video);
    } else {
      const img = new Image();
      img.src = (asset.renditions.thumb || {}).jpeg || asset.url;
      img.alt = "";
      el.append(img);
    }
    for (const [name, value] of fields) el.append(hidden(name, value));
    if (badge) {
      const b = document.createElement("span");
      b.className = "media-badge";
      b.textContent = "主图";
      el.append(b);
    }
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "media-remove";
    remove.dataset.remove = "";
    remove.setAttribute("aria-label", "移除");
    remove.textContent = "×";
    el.append(remove);
    return el;
  }

  async function addOne(kind, file, where) {
    if (kind === "gallery") {
      if (gallery.children.length >= max) throw new Error("商品图片最多 " + max + " 张");
      const asset = await upload(block.dataset.imageUrl, file, gallery.children.length ? "gallery" : "main");
      if (!gallery.querySelector('[data-id="' + asset.id + '"]')) {
        gallery.append(item(asset, [["media_gallery", asset.id]], { badge: true }));
      }
    } else if (kind === "video") {
      const asset = await upload(block.dataset.videoUrl, file);
      block.querySelector("[data-video]").replaceChildren(item(asset, [["media_video", asset.id]], { tag: "div" }));
    } else if (kind === "sku") {
      const asset = await upload(block.dataset.imageUrl, file, "sku");
      const value = where.dataset.skuValue;
      where.querySelector("[data-slot]").replaceChildren(
        item(asset, [["media_sku_value", value], ["media_sku_id", asset.id]], { tag: "div" }),
      );
    }
  }

  async function addFiles(kind, files, zone) {
    say("");
    zone.classList.add("busy");
    for (const file of files) {
      try {
        await addOne(kind, file, zone.closest("[data-sku-value]"));
      } catch (err) {
        say(file.name + "：" + err.message);
        if (kind === "gallery" && gallery.children.length >= max) break;
      }
    }
    zone.classList.remove("busy");
  }

  block.addEventListener("click", (event) => {
    const button = event.target.closest("[data-remove]");
    if (!button) return;
    event.preventDefault();
    button.closest(".media-item").remove();
    say("");
  });

  for (const input of block.querySelectorAll("[data-file]")) {
    const zone = input.closest("[data-drop]");
    input.addEventListener("change", () => {
      const files = [...input.files];
      input.value = ""; // uploaded now: not again with the form
      addFiles(input.dataset.file, files, zone);
    });
    zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", () => zone.classList.remove("over"));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      zone.classList.remove("over");
      addFiles(input.dataset.file, [...event.dataTransfer.files], zone);
    });
  }

  if (window.Sortable) {
    window.Sortable.create(gallery, { animation: 150, filter: "[data-remove]", preventOnFilter: false });
  }

  // --- the detail editor ---------------------------------------------------------------------------------
  const textarea = form.querySelector("textarea[name=detail_html]");
  let quill = null;
  if (textarea && window.Quill) {
    const holder = document.createElement("div");
    holder.className = "rich-editor";
    textarea.after(holder);
    textarea.hidden = true;
    const pickImage = () => {
      const input = document.createElement("input");
      input.type = "file";
      input.accept = "image/jpeg,image/png,image/webp,image/gif";
      input.addEventListener("change", async () => {
        const file = input.files[0];
        if (!file) return;
        try {
          const asset = await upload(block.dataset.imageUrl, file, "detail");
          const range = quill.getSelection(true);
          quill.insertEmbed(range.index, "image", asset.renditions.detail.jpeg, "user");
          quill.setSelection(range.index + 1, 0);
        } catch (err) {
          say(file.name + "：" + err.message);
        }
      });
      input.click();
    };
    quill = new window.Quill(holder, {
      theme: "snow",
      placeholder: "介绍商品的卖点、材质、尺码、细节图……",
      modules: {
        toolbar: {
          container: [
            [{ header: [3, 4, false] }],
            ["bold", "italic", "underline"],
            [{ list: "ordered" }, { list: "bullet" }],
            ["blockquote", "image"],
            ["clean"],
          ],
          handlers: { image: pickImage },
        },
      },
    });
    quill.setContents(quill.clipboard.convert({ html: textarea.value || "" }), "silent");
  }

  form.addEventListener("submit", (event) => {
    if (pending > 0) {
      event.preventDefault();
      say("图片还在上传，请稍候再保存");
      return;
    }
    if (quill) {
      const empty = quill.getText().trim() === "" && !quill.root.querySelector("img");
      textarea.value = empty ? "" : quill.getSemanticHTML().replace(/&nbsp;/g, " ");
    }
  });
})();

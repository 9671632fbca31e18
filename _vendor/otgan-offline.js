// Glue that lets the vendored widget manager work offline beside MathJax 3. Loaded after require.js and
// before embed-amd.js.
// 1. The widget manager (html-manager 1.x) loads its fonts relative to AMD module paths under
//    "@jupyter-widgets/": map them onto the copy under _static/html-manager/.
// 2. It typesets widget labels through the MathJax 2 API (MathJax.Hub.Queue); MathJax 3 only has
//    typesetPromise. Give every object assigned to window.MathJax a small Hub that forwards to it.
(function () {
  var here = document.currentScript && document.currentScript.src;
  if (here) {
    var assets = here.replace(/[^/]*$/, "") + "html-manager";
    window.__jupyter_widgets_assets_path__ = assets + "/";
    if (window.require && window.require.config) {
      // fonts are resolved next to the module that asks for them: the manager's own dist/ folder, or
      // "@jupyter-widgets/<module>" for the controls (Font Awesome icons on buttons)
      window.require.config({ paths: { "@jupyter-widgets/html-manager/dist": assets, "@jupyter-widgets": assets } });
    }
  }

  function typeset(elements) {
    var mj = window.MathJax;
    if (mj && mj.typesetPromise) {
      return mj.typesetPromise(elements).catch(function (err) { console.warn("MathJax:", err); });
    }
    if (mj && mj.startup && mj.startup.promise) {
      return mj.startup.promise.then(function () { return typeset(elements); });
    }
    return Promise.resolve();  // MathJax not loaded yet: its start-up pass typesets the page
  }

  function withHub(mj) {
    if (mj && typeof mj === "object" && !mj.Hub) {
      Object.defineProperty(mj, "Hub", {
        enumerable: false, configurable: true,
        value: {
          Queue: function () {
            var elements = [];
            for (var i = 0; i < arguments.length; i++) {
              var job = arguments[i];
              if (Array.isArray(job) && job[2]) { elements.push(job[2]); }
            }
            return typeset(elements.length ? elements : undefined);
          }
        }
      });
    }
    return mj;
  }

  var current = withHub(window.MathJax);
  Object.defineProperty(window, "MathJax", {
    configurable: true,
    get: function () { return current; },
    set: function (value) { current = withHub(value); }
  });
})();

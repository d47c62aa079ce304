// The copy buttons of the submission page: the reproducer's text to the clipboard, or selected for Ctrl+C.
'use strict';
(function () {
  document.querySelectorAll('button[data-copy]').forEach((button) => {
    button.addEventListener('click', async () => {
      const source = document.getElementById(button.dataset.copy), status = button.nextElementSibling;
      try {
        await navigator.clipboard.writeText(source.textContent);
        status.textContent = 'Copied.';
      } catch (e) {
        const range = document.createRange();
        range.selectNodeContents(source);
        window.getSelection().removeAllRanges();
        window.getSelection().addRange(range);
        status.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
      }
    });
  });
})();

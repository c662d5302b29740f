/* A list filter with the admin's autocomplete (AutocompleteListFilter): choosing a row
 * applies the filter. select2 announces the choice through jQuery, hence django.jQuery. */
(function () {
  "use strict";
  if (!window.django || !window.django.jQuery) {
    return;
  }
  window.django.jQuery(function ($) {
    $("form.autocomplete-filter select").on("change", function () {
      this.form.submit();
    });
  });
})();

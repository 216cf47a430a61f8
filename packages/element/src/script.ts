/**
 * @module
 * Entry of the single-file script-tag build: loading it defines `<pay-checkout>`.
 */
import './define.js';

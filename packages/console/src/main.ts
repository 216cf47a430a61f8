/**
 * @module
 * Entry of the console page: defines `<console-app>`, which index.html already holds.
 */
import './shell/console-app.js';

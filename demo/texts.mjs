/**
 * @module
 * The demo shop's own texts, one table per language (the element brings its own). Every table
 * has the same keys as the English one; names of languages are written in their own language
 * and live in `LANGUAGES` (demo/shop.mjs), so a customer finds theirs whatever the page shows.
 */

/** @typedef {typeof en} ShopTexts */

const en = {
  brand: 'Demo Coffee',
  shopTitle: 'Shop',
  productName: 'Espresso beans, 1 kg',
  productDescription: 'Single-origin, roasted this week in Berlin.',
  shipTo: 'Ship to',
  quantity: 'Quantity',
  checkoutPage: 'Checkout page',
  language: 'Language',
  theme: 'Theme',
  /** Submits the pickers: the page is shown again in this language and theme. */
  apply: 'Apply',
  /** Accessible name of the pickers' form on the checkout and return pages. */
  display: 'Display settings',
  buyNow: 'Buy now',
  checkoutTitle: 'Checkout',
  orderTitle: 'Your order',
  backToShop: 'Back to the shop',
  themes: { light: 'Light', dark: 'Dark' },
  pages: {
    script: 'Script tag',
    esm: 'npm package (ES modules)',
    strict: 'Script tag, strict CSP',
  },
  markets: {
    DE: 'Germany',
    GB: 'United Kingdom',
    CO: 'Colombia',
    CL: 'Chile',
    BR: 'Brazil',
    MX: 'Mexico',
    IQ: 'Iraq',
  },
  /** @param {number} quantity @param {string} product */
  orderDescription: (quantity, product) => `${quantity} × ${product}`,
  errors: {
    quantity: 'Quantity must be between 1 and 10.',
    market: 'We do not ship there.',
    unreachable: 'The payment service could not be reached.',
    notBuilt: 'The element is not built yet: run pnpm build.',
    notFound: 'Not found',
  },
};

/** @type {ShopTexts} */
const es = {
  brand: 'Demo Coffee',
  shopTitle: 'Tienda',
  productName: 'Café en grano para espresso, 1 kg',
  productDescription: 'De origen único, tostado esta semana en Berlín.',
  shipTo: 'Enviar a',
  quantity: 'Cantidad',
  checkoutPage: 'Página de pago',
  language: 'Idioma',
  theme: 'Tema',
  apply: 'Aplicar',
  display: 'Preferencias de visualización',
  buyNow: 'Comprar ahora',
  checkoutTitle: 'Pago',
  orderTitle: 'Tu pedido',
  backToShop: 'Volver a la tienda',
  themes: { light: 'Claro', dark: 'Oscuro' },
  pages: {
    script: 'Etiqueta script',
    esm: 'Paquete npm (módulos ES)',
    strict: 'Etiqueta script, CSP estricta',
  },
  markets: {
    DE: 'Alemania',
    GB: 'Reino Unido',
    CO: 'Colombia',
    CL: 'Chile',
    BR: 'Brasil',
    MX: 'México',
    IQ: 'Irak',
  },
  orderDescription: (quantity, product) => `${quantity} × ${product}`,
  errors: {
    quantity: 'La cantidad debe estar entre 1 y 10.',
    market: 'No hacemos envíos a ese destino.',
    unreachable: 'No se pudo contactar con el servicio de pago.',
    notBuilt: 'El elemento aún no está compilado: ejecuta pnpm build.',
    notFound: 'No encontrado',
  },
};

/** @type {ShopTexts} */
const ptBR = {
  brand: 'Demo Coffee',
  shopTitle: 'Loja',
  productName: 'Café em grãos para espresso, 1 kg',
  productDescription: 'Origem única, torrado esta semana em Berlim.',
  shipTo: 'Entregar em',
  quantity: 'Quantidade',
  checkoutPage: 'Página de pagamento',
  language: 'Idioma',
  theme: 'Tema',
  apply: 'Aplicar',
  display: 'Preferências de exibição',
  buyNow: 'Comprar agora',
  checkoutTitle: 'Pagamento',
  orderTitle: 'Seu pedido',
  backToShop: 'Voltar à loja',
  themes: { light: 'Claro', dark: 'Escuro' },
  pages: {
    script: 'Tag script',
    esm: 'Pacote npm (módulos ES)',
    strict: 'Tag script, CSP estrita',
  },
  markets: {
    DE: 'Alemanha',
    GB: 'Reino Unido',
    CO: 'Colômbia',
    CL: 'Chile',
    BR: 'Brasil',
    MX: 'México',
    IQ: 'Iraque',
  },
  orderDescription: (quantity, product) => `${quantity} × ${product}`,
  errors: {
    quantity: 'A quantidade deve estar entre 1 e 10.',
    market: 'Não entregamos nesse destino.',
    unreachable: 'Não foi possível contatar o serviço de pagamento.',
    notBuilt: 'O elemento ainda não foi compilado: execute pnpm build.',
    notFound: 'Não encontrado',
  },
};

/** @type {ShopTexts} */
const de = {
  brand: 'Demo Coffee',
  shopTitle: 'Shop',
  productName: 'Espressobohnen, 1 kg',
  productDescription: 'Aus einem Anbaugebiet, diese Woche in Berlin geröstet.',
  shipTo: 'Lieferung nach',
  quantity: 'Menge',
  checkoutPage: 'Bezahlseite',
  language: 'Sprache',
  theme: 'Design',
  apply: 'Übernehmen',
  display: 'Anzeigeeinstellungen',
  buyNow: 'Jetzt kaufen',
  checkoutTitle: 'Kasse',
  orderTitle: 'Ihre Bestellung',
  backToShop: 'Zurück zum Shop',
  themes: { light: 'Hell', dark: 'Dunkel' },
  pages: {
    script: 'Script-Tag',
    esm: 'npm-Paket (ES-Module)',
    strict: 'Script-Tag, strikte CSP',
  },
  markets: {
    DE: 'Deutschland',
    GB: 'Vereinigtes Königreich',
    CO: 'Kolumbien',
    CL: 'Chile',
    BR: 'Brasilien',
    MX: 'Mexiko',
    IQ: 'Irak',
  },
  orderDescription: (quantity, product) => `${quantity} × ${product}`,
  errors: {
    quantity: 'Die Menge muss zwischen 1 und 10 liegen.',
    market: 'Dorthin liefern wir nicht.',
    unreachable: 'Der Zahlungsdienst ist nicht erreichbar.',
    notBuilt: 'Das Element ist noch nicht gebaut: pnpm build ausführen.',
    notFound: 'Nicht gefunden',
  },
};

/** @type {ShopTexts} */
const ar = {
  brand: 'Demo Coffee',
  shopTitle: 'المتجر',
  productName: 'حبوب إسبريسو، 1 كغ',
  productDescription: 'من مصدر واحد، محمّصة هذا الأسبوع في برلين.',
  shipTo: 'الشحن إلى',
  quantity: 'الكمية',
  checkoutPage: 'صفحة الدفع',
  language: 'اللغة',
  theme: 'المظهر',
  apply: 'تطبيق',
  display: 'إعدادات العرض',
  buyNow: 'اشترِ الآن',
  checkoutTitle: 'الدفع',
  orderTitle: 'طلبك',
  backToShop: 'العودة إلى المتجر',
  themes: { light: 'فاتح', dark: 'داكن' },
  pages: {
    script: 'وسم script',
    esm: 'حزمة npm (وحدات ES)',
    strict: 'وسم script مع CSP صارمة',
  },
  markets: {
    DE: 'ألمانيا',
    GB: 'المملكة المتحدة',
    CO: 'كولومبيا',
    CL: 'تشيلي',
    BR: 'البرازيل',
    MX: 'المكسيك',
    IQ: 'العراق',
  },
  orderDescription: (quantity, product) => `${quantity} × ${product}`,
  errors: {
    quantity: 'يجب أن تكون الكمية بين 1 و10.',
    market: 'لا نشحن إلى هذه الوجهة.',
    unreachable: 'تعذّر الوصول إلى خدمة الدفع.',
    notBuilt: 'لم يُبنَ العنصر بعد: شغّل pnpm build.',
    notFound: 'غير موجود',
  },
};

/** The shop's texts by language code (the codes of `LANGUAGES` in demo/shop.mjs). */
export const TEXTS = { en, es, 'pt-BR': ptBR, de, ar };

/** Languages written right to left: their pages get `dir="rtl"`. */
export const RTL_LANGUAGES = new Set(['ar']);

/**
 * @module
 * Spanish strings of `<pay-checkout>`.
 */
import type { Translation } from './en.js';

/** Spanish (neutral Latin American usage). */
export const es: Translation = {
  $code: 'es',
  $dir: 'ltr',
  loading: 'Cargando las formas de pago…',
  total: 'Total',
  chooseMethod: 'Elige una forma de pago',
  groupRedirect: 'Pagar en línea',
  groupQr: 'Pagar con un código QR',
  continue: 'Continuar',
  submitting: 'Iniciando tu pago…',
  redirecting: 'Te llevamos a tu proveedor de pago…',
  fieldRequired: (label) => `${label} es obligatorio.`,
  fieldInvalid: (label) => `${label} no es válido.`,
  scanToPay: 'Escanea el código con la app de tu banco para pagar',
  payInApp: 'Paga en la app de tu banco',
  qrImage: 'Código QR de este pago',
  paymentCode: 'Código de pago',
  copy: 'Copiar',
  copied: 'Copiado',
  openIn: (label) => `Abrir ${label}`,
  expiresIn: (time) => `Vence en ${time}`,
  qrExpired: 'Este código ha vencido.',
  newCode: 'Obtener un código nuevo',
  waitingForPayment: 'Esperando tu pago…',
  mandateTerms: (amount, cadence) =>
    `También autorizas pagos futuros${amount ? ` de hasta ${amount}` : ''}${
      cadence ? `, ${cadence}` : ''
    }.`,
  cadence: {
    BI_WEEKLY: 'cada dos semanas',
    WEEKLY: 'cada semana',
    MONTHLY: 'cada mes',
    QUARTERLY: 'cada trimestre',
    SEMI_ANNUAL: 'cada seis meses',
    ANNUAL: 'cada año',
    ON_DEMAND: 'cuando corresponda',
  },
  confirming: 'Confirmando tu pago…',
  confirmingHint: 'Suele tardar unos segundos. Puedes mantener esta página abierta.',
  notYetPaid: 'No hemos recibido tu pago todavía',
  notYetPaidHint:
    'Si completaste el pago, puede tardar unos minutos en llegarnos. Si no, puedes pagar de otra forma.',
  keepWaiting: 'Ya pagué — seguir esperando',
  payAnotherWay: 'Pagar de otra forma',
  paid: 'Pago recibido',
  paidHint: 'Gracias. Tu pago ha sido confirmado.',
  failed: 'El pago falló',
  failedHint: 'Tu pago no se realizó. No se cobró nada.',
  cancelled: 'Pago cancelado',
  cancelledHint: 'El pago se canceló antes de completarse.',
  expired: 'Pago vencido',
  expiredHint: 'Este pago no se completó a tiempo.',
  tryAnotherMethod: 'Probar otra forma de pago',
  retry: 'Intentar de nuevo',
  noMethods: 'No hay ninguna forma de pago disponible para este pago.',
  errorNetwork:
    'No pudimos conectar con el servicio de pago. Revisa tu conexión e inténtalo de nuevo.',
  errorNotFound: 'No encontramos este pago. Puede que el enlace sea incorrecto o esté vencido.',
  errorSessionPaid: 'Este pago ya se realizó. No tienes que hacer nada más.',
  errorSessionExpired: 'Este pago ha vencido. Vuelve a empezar desde la tienda.',
  errorMethodUnavailable: 'Esta forma de pago no está disponible ahora. Elige otra.',
  errorInvalidInput: 'Algunos datos no son válidos. Revísalos e inténtalo de nuevo.',
  errorNotConfigured: 'Este pago no está bien configurado.',
  errorGeneric: 'Algo salió mal por nuestra parte. Inténtalo de nuevo.',
};

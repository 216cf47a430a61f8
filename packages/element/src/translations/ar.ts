/**
 * @module
 * Arabic strings of `<pay-checkout>` (right to left).
 */
import type { Translation } from './en.js';

/** Arabic (Modern Standard Arabic). */
export const ar: Translation = {
  $code: 'ar',
  $dir: 'rtl',
  loading: 'جارٍ تحميل طرق الدفع…',
  total: 'الإجمالي',
  chooseMethod: 'اختر طريقة الدفع',
  groupRedirect: 'الدفع عبر الإنترنت',
  groupQr: 'الدفع برمز QR',
  continue: 'متابعة',
  submitting: 'جارٍ بدء عملية الدفع…',
  redirecting: 'جارٍ نقلك إلى مزوّد الدفع…',
  fieldRequired: (label) => `${label} مطلوب.`,
  fieldInvalid: (label) => `${label} غير صالح.`,
  scanToPay: 'امسح الرمز بتطبيق مصرفك للدفع',
  payInApp: 'ادفع في تطبيق البنك',
  qrImage: 'رمز QR لهذه الدفعة',
  paymentCode: 'رمز الدفع',
  copy: 'نسخ',
  copied: 'تم النسخ',
  openIn: (label) => `فتح ${label}`,
  expiresIn: (time) => `تنتهي الصلاحية خلال ${time}`,
  qrExpired: 'انتهت صلاحية هذا الرمز.',
  newCode: 'الحصول على رمز جديد',
  waitingForPayment: 'في انتظار دفعتك…',
  mandateTerms: (amount, cadence) =>
    `وتوافق أيضًا على دفعات مستقبلية${amount ? ` تصل إلى ${amount}` : ''}${
      cadence ? `، ${cadence}` : ''
    }.`,
  cadence: {
    BI_WEEKLY: 'كل أسبوعين',
    WEEKLY: 'كل أسبوع',
    MONTHLY: 'كل شهر',
    QUARTERLY: 'كل ثلاثة أشهر',
    SEMI_ANNUAL: 'كل ستة أشهر',
    ANNUAL: 'كل سنة',
    ON_DEMAND: 'عند الاستحقاق',
  },
  confirming: 'جارٍ تأكيد دفعتك…',
  confirmingHint: 'يستغرق هذا عادةً بضع ثوانٍ. يمكنك إبقاء هذه الصفحة مفتوحة.',
  notYetPaid: 'لم نستلم دفعتك بعد',
  notYetPaidHint:
    'إذا أكملت الدفع، فقد يستغرق وصوله إلينا بضع دقائق. وإلا يمكنك الدفع بطريقة أخرى.',
  keepWaiting: 'لقد دفعت — سأواصل الانتظار',
  payAnotherWay: 'الدفع بطريقة أخرى',
  paid: 'تم استلام الدفعة',
  paidHint: 'شكرًا لك. تم تأكيد دفعتك.',
  failed: 'فشلت عملية الدفع',
  failedHint: 'لم تتم عملية الدفع. لم يُخصم أي مبلغ.',
  cancelled: 'أُلغيت عملية الدفع',
  cancelledHint: 'أُلغيت عملية الدفع قبل اكتمالها.',
  expired: 'انتهت صلاحية الدفع',
  expiredHint: 'لم تكتمل عملية الدفع في الوقت المحدد.',
  tryAnotherMethod: 'جرّب طريقة أخرى',
  retry: 'حاول مرة أخرى',
  noMethods: 'لا تتوفر أي طريقة دفع لهذه الدفعة.',
  errorNetwork: 'تعذّر الوصول إلى خدمة الدفع. تحقق من اتصالك وحاول مرة أخرى.',
  errorNotFound: 'تعذّر العثور على عملية الدفع هذه. ربما يكون الرابط خاطئًا أو قديمًا.',
  errorSessionPaid: 'تم دفع هذه العملية بالفعل. لا يلزمك فعل أي شيء آخر.',
  errorSessionExpired: 'انتهت صلاحية عملية الدفع هذه. يُرجى البدء من جديد من المتجر.',
  errorMethodUnavailable: 'طريقة الدفع هذه غير متاحة حاليًا. يُرجى اختيار طريقة أخرى.',
  errorInvalidInput: 'بعض البيانات غير صالحة. يُرجى مراجعتها والمحاولة مرة أخرى.',
  errorNotConfigured: 'لم يتم إعداد عملية الدفع هذه بشكل صحيح.',
  errorGeneric: 'حدث خطأ من جهتنا. يُرجى المحاولة مرة أخرى.',
};

/**
 * The reader-facing words of the widget in English, Bulgarian and Russian, and which of them a
 * page gets: the script tag's data-lang, else the page's <html lang>, else English.
 * Pure: no DOM, no network (tested with node --test).
 */

export const LANGUAGES = ["en", "bg", "ru"];

export const STRINGS = {
  en: {
    launcher: "Ask about this article",
    title: "Ask about this article",
    subtitle: "Answers come only from this article, with quotes.",
    placeholder: "Ask a question…",
    send: "Send question",
    close: "Close",
    newChat: "New conversation",
    input: "Your question about the article",
    messages: "Conversation",
    you: "You",
    bot: "Article assistant",
    thinking: "Thinking…",
    searching: "Searching the article…",
    found: "Passages found: {n}",
    writing: "Writing the answer…",
    done: "Answer ready.",
    sources: "Sources",
    paragraph: "¶ {n}",
    paragraphLong: "paragraph {n}",
    cite: "Source {n}",
    showInArticle: "Show in the article",
    highlighted: "Highlighted in the article.",
    intro: "Ask anything about this article. Answers quote the text — click a number like [1] to jump to the sentence it comes from.",
    suggestionsLabel: "Suggested questions",
    disclaimer: "AI-generated answers can be wrong. Check the quoted sources.",
    askSelection: "Ask about this",
    selection: "About the selected text",
    removeSelection: "Do not ask about the selected text",
    helpful: "Did this answer help?",
    yes: "Yes",
    unsure: "Not sure",
    no: "No",
    reasonLabel: "What was wrong or missing? (optional)",
    reasonSend: "Send",
    thanks: "Thank you for your feedback.",
    feedbackFailed: "Your feedback could not be saved. The chat is not affected.",
    errGeneric: "Something went wrong. Please try again.",
    errNetwork: "The answer service cannot be reached right now. Please try again later.",
    errOrigin: "Questions about this article are not available on this website yet.",
    errArticle: "Questions about this article are not available yet.",
    errRate: "You have asked many questions in a short time. Please wait {s} seconds and try again.",
    errRateSoon: "You have asked many questions in a short time. Please wait a minute and try again.",
    errBusy: "The service is busy.",
    errTimeout: "The answer took too long. Please try again.",
    errInterrupted: "The answer was interrupted. Please try again.",
    retryIn: "Please try again in {s} s.",
    notice: "Note"
  },
  bg: {
    launcher: "Попитай за статията",
    title: "Въпроси за статията",
    subtitle: "Отговорите идват само от тази статия и я цитират.",
    placeholder: "Задайте въпрос…",
    send: "Изпрати въпроса",
    close: "Затвори",
    newChat: "Нов разговор",
    input: "Вашият въпрос за статията",
    messages: "Разговор",
    you: "Вие",
    bot: "Асистент за статията",
    thinking: "Мисля…",
    searching: "Търся в статията…",
    found: "Намерени откъси: {n}",
    writing: "Пиша отговора…",
    done: "Отговорът е готов.",
    sources: "Източници",
    paragraph: "¶ {n}",
    paragraphLong: "абзац {n}",
    cite: "Източник {n}",
    showInArticle: "Покажи в статията",
    highlighted: "Маркирано в статията.",
    intro: "Питайте каквото искате за тази статия. Отговорите цитират текста — щракнете върху номер като [1], за да стигнете до изречението-източник.",
    suggestionsLabel: "Предложени въпроси",
    disclaimer: "Отговорите са генерирани от ИИ и може да съдържат грешки. Проверявайте цитатите.",
    askSelection: "Попитай за това",
    selection: "За маркирания текст",
    removeSelection: "Без въпрос за маркирания текст",
    helpful: "Помогна ли ви отговорът?",
    yes: "Да",
    unsure: "Не съм сигурен",
    no: "Не",
    reasonLabel: "Какво беше грешно или липсваше? (по желание)",
    reasonSend: "Изпрати",
    thanks: "Благодарим за обратната връзка.",
    feedbackFailed: "Обратната връзка не беше запазена. Разговорът продължава.",
    errGeneric: "Нещо се обърка. Моля, опитайте отново.",
    errNetwork: "Услугата за отговори в момента е недостъпна. Моля, опитайте по-късно.",
    errOrigin: "Въпросите за статията все още не са достъпни на този сайт.",
    errArticle: "Въпросите за тази статия все още не са достъпни.",
    errRate: "Задали сте много въпроси за кратко време. Моля, изчакайте {s} секунди и опитайте отново.",
    errRateSoon: "Задали сте много въпроси за кратко време. Моля, изчакайте минута и опитайте отново.",
    errBusy: "Услугата е заета.",
    errTimeout: "Отговорът се забави твърде много. Моля, опитайте отново.",
    errInterrupted: "Отговорът беше прекъснат. Моля, опитайте отново.",
    retryIn: "Опитайте отново след {s} с.",
    notice: "Забележка"
  },
  ru: {
    launcher: "Спросить о статье",
    title: "Вопросы о статье",
    subtitle: "Ответы основаны только на этой статье и цитируют её.",
    placeholder: "Задайте вопрос…",
    send: "Отправить вопрос",
    close: "Закрыть",
    newChat: "Новый разговор",
    input: "Ваш вопрос о статье",
    messages: "Разговор",
    you: "Вы",
    bot: "Помощник по статье",
    thinking: "Думаю…",
    searching: "Ищу в статье…",
    found: "Найдено фрагментов: {n}",
    writing: "Пишу ответ…",
    done: "Ответ готов.",
    sources: "Источники",
    paragraph: "¶ {n}",
    paragraphLong: "абзац {n}",
    cite: "Источник {n}",
    showInArticle: "Показать в статье",
    highlighted: "Выделено в статье.",
    intro: "Спросите что угодно об этой статье. Ответы цитируют текст — нажмите на номер вроде [1], чтобы перейти к исходному предложению.",
    suggestionsLabel: "Предлагаемые вопросы",
    disclaimer: "Ответы сгенерированы ИИ и могут содержать ошибки. Проверяйте цитаты.",
    askSelection: "Спросить об этом",
    selection: "О выделенном тексте",
    removeSelection: "Не спрашивать о выделенном тексте",
    helpful: "Помог ли вам ответ?",
    yes: "Да",
    unsure: "Не уверен",
    no: "Нет",
    reasonLabel: "Что было не так или чего не хватило? (необязательно)",
    reasonSend: "Отправить",
    thanks: "Спасибо за отзыв.",
    feedbackFailed: "Отзыв не удалось сохранить. Разговор продолжается.",
    errGeneric: "Что-то пошло не так. Попробуйте ещё раз.",
    errNetwork: "Сервис ответов сейчас недоступен. Попробуйте позже.",
    errOrigin: "Вопросы о статье пока недоступны на этом сайте.",
    errArticle: "Вопросы об этой статье пока недоступны.",
    errRate: "Вы задали много вопросов за короткое время. Подождите {s} секунд и попробуйте снова.",
    errRateSoon: "Вы задали много вопросов за короткое время. Подождите минуту и попробуйте снова.",
    errBusy: "Сервис занят.",
    errTimeout: "Ответ занял слишком много времени. Попробуйте ещё раз.",
    errInterrupted: "Ответ прервался. Попробуйте ещё раз.",
    retryIn: "Повторите через {s} с.",
    notice: "Примечание"
  }
};

/**
 * The widget's language from the script tag's data-lang and the page's <html lang>.
 * pickLanguage("", "bg-BG") === "bg"; pickLanguage("ru", "en") === "ru"; pickLanguage("", "de") === "en".
 */
export function pickLanguage(dataLang, htmlLang) {
  var raw = String(dataLang || htmlLang || "en").trim().toLowerCase();
  var base = raw.split(/[-_]/)[0];
  return LANGUAGES.indexOf(base) >= 0 ? base : "en";
}

/** fmt("Wait {s} s", {s: 3}) === "Wait 3 s"; unknown names stay as they are. */
export function fmt(s, vars) {
  return String(s).replace(/\{(\w+)\}/g, function (m, k) {
    return vars && vars[k] !== undefined ? String(vars[k]) : m;
  });
}

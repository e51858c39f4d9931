// Only these pages have a loading state: a loading.tsx above a page streams it, and a streamed page can
// no longer answer 404 (the message page and unknown URLs must).
export { PageSkeleton as default } from "@/components/shell/page-skeleton";

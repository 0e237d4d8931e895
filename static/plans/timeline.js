// The plan's timeline: the weeks' frame opens on the current week, since by the middle of a
// plan its first weeks are long past and the frame shows only the first few.
document.querySelectorAll(".timeline-scroll").forEach((frame) => {
  const current = frame.querySelector(".timeline-week-current");
  if (current) {
    frame.scrollLeft = Math.max(0, current.offsetLeft - frame.clientWidth / 3);
  }
});

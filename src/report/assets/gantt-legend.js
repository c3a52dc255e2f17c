(function(){
var g=document.getElementById('gantt');if(!g)return;
var bars=g.querySelectorAll('rect.attempt');var pinned=null;
function show(v){g.classList.toggle('focus',v!==null);for(var i=0;i<bars.length;i++){bars[i].classList.toggle('hl',bars[i].getAttribute('data-v')===v);}}
var items=document.querySelectorAll('#gantt-legend li[data-v]');
for(var i=0;i<items.length;i++){(function(li){var v=li.getAttribute('data-v');
li.addEventListener('mouseenter',function(){if(pinned===null)show(v);});
li.addEventListener('mouseleave',function(){if(pinned===null)show(null);});
li.addEventListener('click',function(){pinned=pinned===v?null:v;for(var j=0;j<items.length;j++)items[j].classList.toggle('active',items[j].getAttribute('data-v')===pinned);show(pinned===null?v:pinned);});
})(items[i]);}
})();
